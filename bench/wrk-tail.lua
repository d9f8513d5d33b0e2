-- wrk -s bench/wrk-tail.lua: the tail beyond --latency's 99 %, in µs (bench.py's wrk() reads these lines).
done = function(summary, latency, requests)
  io.write(string.format("tail-us p99.9 %d max %d\n", latency:percentile(99.9), latency.max))
end
