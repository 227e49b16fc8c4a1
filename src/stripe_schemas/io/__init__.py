"""Input: the one JSON front end and the record reader shared by loads, validate and the CLI."""
