"""Users, roles, sign-in, API tokens and the access rule of every door."""
