"""Score factors, one module per family: need relevance, who a service is for (population),
reach (distance) and access (language, cost, schedule, capacity)."""
