"""What operators watch: health heartbeat, logs without health data, Prometheus metrics."""
