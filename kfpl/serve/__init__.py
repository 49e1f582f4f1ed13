"""`kfpl serve`: the policy calculator, the drafting studio, review charts and the JSON API."""
