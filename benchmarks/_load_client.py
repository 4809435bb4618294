"""The load generator of bench_public.py, run in a process of its own: THREADS keep-alive HTTP/1.1
connections requesting the given paths in turn for SECONDS; prints requests per second and errors.

    python _load_client.py PORT SECONDS THREADS PATH [PATH ...]
"""

import http.client
import sys
import threading
import time


def main():
    port, seconds, threads, paths = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    counts, errors = [0] * threads, [0] * threads
    deadline = time.perf_counter() + seconds

    def work(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        i = n
        while time.perf_counter() < deadline:
            try:
                conn.request("GET", paths[i % len(paths)], headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[n] += 1
                else:
                    errors[n] += 1
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            i += 1
        conn.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    took = time.perf_counter() - started
    print(f"{sum(counts) / took:.1f} {sum(errors)}")


if __name__ == "__main__":
    main()
