"""`quotebot eval`: what people get, measured on labelled sets (dev and held-out) and COVID-QA."""
