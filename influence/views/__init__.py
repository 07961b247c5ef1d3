"""Pages of the influence app, one module per audience: `runs` (HR: a wave's analysis runs),
`team` (a lead's team dashboard: map, flags, health), `maps` (the map's JSON), `organization`
(HR: every team, the organisation map, two waves compared), `network` (an employee's own network).
Thin: scope through the selectors, call a service, render. Out of scope is 404."""
