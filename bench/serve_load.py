"""A bounded local load test of ``POST /api/v1/evaluate``.

Run from the repository root (needs the serve extra):

    .venv/bin/python bench/serve_load.py [--clients 32] [--requests 3000] [--seconds 60]

Starts ``uvicorn kfpl.serve.app:from_environment`` (one worker process) on a free
loopback port, then ``--clients`` concurrent httpx clients post
examples/application.json until ``--requests`` answers have come back or ``--seconds``
have passed, whichever is first. Every answer must be 200 with the total ``kfpl eval``
gives for that file; any other answer is an error and the script exits 1. The server
is stopped (by its own process id) before the script ends.

The baseline, measured in this process on the same application: ``program.evaluate``
called directly, so the figure to read is the ratio: what HTTP, JSON and the event
loop cost on top of the evaluation itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
APPLICATION = ROOT / "examples" / "application.json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KFPL_PROJECT": str(ROOT / "policies")}
    command = [sys.executable, "-m", "uvicorn", "--factory", "kfpl.serve.app:from_environment",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
               "--no-access-log"]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=ROOT)


async def wait_ready(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient() as client:
        while True:
            try:
                if (await client.get(f"{base}/api/v1/openapi.json")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            await asyncio.sleep(0.1)


async def load(
    base: str, clients: int, requests: int, seconds: float, expected: str
) -> dict[str, object]:
    body = APPLICATION.read_bytes()
    latencies: list[float] = []
    errors: list[str] = []
    issued = 0
    stop_at = time.monotonic() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal issued
        while issued < requests and time.monotonic() < stop_at:
            issued += 1
            start = time.perf_counter()
            try:
                response = await client.post(f"{base}/api/v1/evaluate", content=body)
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies.append(time.perf_counter() - start)
            if response.status_code != 200 or response.json().get("total") != expected:
                errors.append(f"{response.status_code}: {response.text[:200]}")

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        began = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0.0

    return {"answers": len(latencies), "errors": errors, "elapsed": elapsed,
            "rps": len(latencies) / elapsed, "p50": pct(0.50), "p99": pct(0.99)}  # fmt: skip


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def baseline(runs: int = 2000) -> float:
    from kfpl.python.evaluate import Program
    from kfpl.runtime.application import loads

    program = Program.from_paths([str(ROOT / "policies")])
    text = APPLICATION.read_text(encoding="utf-8")
    start = time.perf_counter()
    for _ in range(runs):
        program.evaluate(loads(text))
    return (time.perf_counter() - start) / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    from kfpl.python.evaluate import Program
    from kfpl.runtime.application import loads

    expected = Program.from_paths([str(ROOT / "policies")]).evaluate(
        loads(APPLICATION.read_text(encoding="utf-8"))
    )["total"]
    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(wait_ready(base))
        idle_cpu = cpu_seconds(server.pid)  # start-up: imports and the policy compile
        result = asyncio.run(load(base, args.clients, args.requests, args.seconds, expected))
        server_cpu = cpu_seconds(server.pid) - idle_cpu
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    direct = baseline()
    rps, p50, p99 = float(result["rps"]), float(result["p50"]), float(result["p99"])  # type: ignore[arg-type]
    errors: list[str] = result["errors"]  # type: ignore[assignment]
    print(f"clients: {args.clients}, answers: {result['answers']}, errors: {len(errors)}, "
          f"elapsed: {float(result['elapsed']):.1f} s")  # type: ignore[arg-type]  # fmt: skip
    print(
        f"throughput: {rps:.0f} requests/s; latency p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"
    )
    print(f"baseline (program.evaluate in this process): {direct * 1e6:.0f} µs per application, "
          f"{1 / direct:.0f}/s; the service answers at {rps * direct:.2f}× that rate")  # fmt: skip
    answers = int(result["answers"])  # type: ignore[call-overload]
    if server_cpu and answers:
        print(f"server CPU per answer: {server_cpu / answers * 1000:.2f} ms "
              f"(start-up excluded): the rest of the wall time goes to the clients, on the same 2 cores")  # fmt: skip
    for line in errors[:5]:
        print(f"  error: {line}")
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
