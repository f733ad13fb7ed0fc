#!/usr/bin/env python3
"""Times models of ../shared/models through onert_run and, where ../shared/peers is set up,
through LiteRT.js, tfjs-tflite and ONNX Runtime on the same input bytes, in one run.

    python3 bench/bench_models.py [--build build] [--threads 1] [--rounds 3] [model ...]
    python3 bench/bench_models.py quant      # every quantized model against the peers
    python3 bench/bench_models.py --pair mobilenet_v1_025_224_uint8:mobilenet_v1_025_224_f32

Each tool is timed in `--rounds` interleaved rounds (ours, then each peer, repeated), each round a
median over `--runs` inferences after `--warmup`; the table shows the median of the rounds and
our ratio to each peer (peer ms / our ms: > 1 means we are faster). The machine is shared: treat
differences under ~10 % as noise.

--pair Q:F times two of our models (a quantized one and its float original) in interleaved
rounds and prints how many times faster Q runs than F.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_MODELS = ["mobilenet_v1_025_224_f32", "face_detection_short_f16"]
QUANT_DTYPES = ("uint8", "int8", "int16")


def models_dir():
    return os.environ.get("ONERT_C_MODELS", os.path.join(ROOT, "..", "shared", "models"))


def manifest():
    with open(os.path.join(models_dir(), "ref", "manifest.json")) as f:
        return {m["name"]: m for m in json.load(f)}


def input_files(name, n):
    ref = os.path.join(models_dir(), "ref")
    return [os.path.join(ref, f"{name}.in{k}.bin") for k in range(n)]


def time_ours(onert_run, model_path, inputs, runs, warmup, threads):
    with tempfile.TemporaryDirectory() as tmp:
        for k, path in enumerate(inputs):
            os.symlink(path, os.path.join(tmp, f"in.{k}"))
        env = dict(os.environ, NUM_THREADS=str(threads))
        cmd = [onert_run, "-r", str(runs), "-w", str(warmup), "-v", "1",
               "--load:raw", os.path.join(tmp, "in"), model_path]
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            raise RuntimeError(out.stdout + out.stderr)
        times = [float(m) for m in re.findall(r"\.\.\. run \d+ takes ([0-9.]+) ms", out.stdout)]
        if not times:
            raise RuntimeError("no per-run times in onert_run output:\n" + out.stdout)
        return statistics.median(times)


def time_peer(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            r = json.loads(line[len("RESULT "):])
            if r.get("ok"):
                return r.get("cpu_median_ms", r["median_ms"])
    return None


def peer_commands(peers_dir, model, inputs, runs, warmup, threads):
    model_path = os.path.join(models_dir(), model["file"])
    ins = ",".join(inputs)
    cmds = {}
    if model["file"].endswith(".tflite"):
        cmds["litert"] = ["node", "--no-liftoff", os.path.join(peers_dir, "litert", "run.mjs"),
                          model_path, "--in", ins, "--runs", str(runs), "--warmup", str(warmup),
                          "--json"]
        cmds["tfjs-tflite"] = ["node", "--no-liftoff",
                               os.path.join(peers_dir, "litert", "run_tfjs_tflite.cjs"),
                               model_path, "--in", ins, "--runs", str(runs), "--warmup",
                               str(warmup), "--json"]
    onnx = os.path.join(peers_dir, "onnx", model["name"] + ".onnx")
    if os.path.exists(onnx):
        cmds["ort"] = ["node", os.path.join(peers_dir, "ort", "run_onnx.js"), onnx, "--in", ins,
                       "--runs", str(runs), "--warmup", str(warmup), "--threads", str(threads),
                       "--json"]
    return cmds


def time_pair(args, onert_run, all_models):
    names = args.pair.split(":")
    if len(names) != 2 or any(n not in all_models for n in names):
        sys.exit(f"--pair: expected two known model names as Q:F, got {args.pair!r}")
    times = {n: [] for n in names}
    for _ in range(args.rounds):
        for n in names:
            m = all_models[n]
            times[n].append(time_ours(onert_run, os.path.join(models_dir(), m["file"]),
                                      input_files(n, len(m["inputs"])), args.runs, args.warmup,
                                      args.threads))
    q, f = (statistics.median(times[n]) for n in names)
    print(f"# threads={args.threads} runs={args.runs} warmup={args.warmup} rounds={args.rounds}")
    for n in names:
        print(f"{n:34} {statistics.median(times[n]):9.3f} ms  rounds: "
              + " ".join(f"{t:.3f}" for t in times[n]))
    print(f"{names[0]} is {f / q:.2f}x faster than {names[1]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("models", nargs="*", help="model names (default: %s; 'all' for every model)"
                    % ", ".join(DEFAULT_MODELS))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--pair", metavar="Q:F", help="quantized:float model names, ours only")
    args = ap.parse_args()

    onert_run = os.path.join(args.build, "onert_run")
    if not os.path.exists(onert_run):
        sys.exit(f"{onert_run} not found: build first (cmake -S . -B build && cmake --build build)")
    all_models = manifest()
    if args.pair:
        return time_pair(args, onert_run, all_models)
    names = args.models or DEFAULT_MODELS
    if names == ["all"]:
        names = list(all_models)
    if names == ["quant"]:
        names = [n for n in all_models if n.rsplit("_", 1)[-1] in QUANT_DTYPES]
    peers_dir = os.environ.get("PEERS_DIR", os.path.expanduser("~/.cache/onert-c-peers"))
    have_peers = not args.no_peers and os.path.isdir(os.path.join(peers_dir, "litert"))
    if not have_peers and not args.no_peers:
        print(f"# peers not set up in {peers_dir} (sh ../shared/peers/setup.sh): ours only")

    print(f"# threads={args.threads} runs={args.runs} warmup={args.warmup} rounds={args.rounds};"
          " ratio = peer ms / our ms (> 1: we are faster)")
    print(f"{'model':34} {'ours ms':>9} {'litert':>9} {'ratio':>6} {'tfjs-tfl':>9} {'ratio':>6}"
          f" {'ort':>9} {'ratio':>6}")
    for name in names:
        m = all_models.get(name)
        if not m:
            print(f"{name:34} unknown model")
            continue
        inputs = input_files(name, len(m["inputs"]))
        cmds = peer_commands(peers_dir, m, inputs, args.runs, args.warmup, args.threads) \
            if have_peers else {}
        ours, peer_t = [], {k: [] for k in cmds}
        try:
            for _ in range(args.rounds):
                ours.append(time_ours(onert_run, os.path.join(models_dir(), m["file"]), inputs,
                                      args.runs, args.warmup, args.threads))
                for k, cmd in cmds.items():
                    t = time_peer(cmd)
                    if t is not None:
                        peer_t[k].append(t)
        except Exception as e:  # report and go on with the next model
            print(f"{name:34} failed: {str(e).strip().splitlines()[-1] if str(e).strip() else e}")
            continue
        o = statistics.median(ours)
        row = f"{name:34} {o:9.3f}"
        for k in ("litert", "tfjs-tflite", "ort"):
            if peer_t.get(k):
                p = statistics.median(peer_t[k])
                row += f" {p:9.3f} {p / o:6.2f}"
            else:
                row += f" {'-':>9} {'-':>6}"
        print(row, flush=True)


if __name__ == "__main__":
    main()
