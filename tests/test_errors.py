"""Every error class: root, builtin base, docstring, pickle round trip."""

from __future__ import annotations

import inspect
import pickle

import pytest

from referralmatch import errors

CLASSES = [
    obj
    for _, obj in inspect.getmembers(errors, inspect.isclass)
    if issubclass(obj, errors.ReferralMatchError)
]


def test_all_exported_classes_listed() -> None:
    assert sorted(c.__name__ for c in CLASSES) == sorted(errors.__all__)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_error_contract(cls: type[errors.ReferralMatchError]) -> None:
    assert cls.__doc__ and len(cls.__doc__.strip()) > 20
    if cls is not errors.ReferralMatchError:
        builtin_bases = [b for b in cls.__mro__ if b.__module__ == "builtins" and b is not object]
        assert any(b is not Exception and b is not BaseException for b in builtin_bases), cls
    instance = cls("something went wrong")
    again = pickle.loads(pickle.dumps(instance))
    assert type(again) is cls
    assert str(again) == "something went wrong"


def test_payloads_survive_pickle() -> None:
    err = errors.DirectoryValidationError("bad", ("a", "b"))
    assert pickle.loads(pickle.dumps(err)).issues == ("a", "b")
    err2 = errors.ScreeningError("bad", ("phq9_item9",))
    assert pickle.loads(pickle.dumps(err2)).items == ("phq9_item9",)
    err3 = errors.CaseloadError("bad", ((3, "age", "negative"),))
    assert pickle.loads(pickle.dumps(err3)).problems == ((3, "age", "negative"),)
