"""`python -m etc_policy` runs the same CLI as the `etc-policy` console script."""

from etc_policy.launch import main

raise SystemExit(main())
