#!/bin/sh
# onert_run command line: flags, errors, report format, raw dump/load round trip, dynamic shapes,
# nnpackage directories. Needs $ONERT_C_BUILD (onert_run) and $ONERT_C_MODELS (shared models).
set -u

RUN="${ONERT_C_BUILD:-.}/onert_run"
MODELS="${ONERT_C_MODELS:-}"
if [ ! -x "$RUN" ]; then
    echo "FAIL: $RUN not built"
    exit 1
fi
if [ -z "$MODELS" ] || [ ! -f "$MODELS/ref/manifest.json" ]; then
    if [ "${ONERT_C_REQUIRE_MODELS:-0}" = 1 ]; then
        echo "FAIL: shared models not found"
        exit 1
    fi
    echo "SKIP: shared models not found (set ONERT_C_MODELS)"
    exit 0
fi

TMP=$(mktemp -d /tmp/onert_run_test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
FAILS=0

fail() {
    echo "FAIL: $*"
    FAILS=$((FAILS + 1))
}

# expect <exit code> <text expected in stdout+stderr or ""> <args...>
expect() {
    want_rc=$1
    want_text=$2
    shift 2
    "$RUN" "$@" >out.txt 2>&1
    rc=$?
    if [ "$rc" != "$want_rc" ]; then
        fail "onert_run $*: exit $rc, expected $want_rc"
        sed 's/^/    /' out.txt | head -20
    elif [ -n "$want_text" ] && ! grep -qF -- "$want_text" out.txt; then
        fail "onert_run $*: output lacks '$want_text'"
        sed 's/^/    /' out.txt | head -20
    fi
}

HELLO="$MODELS/hello_world_f32.tflite"
DIV="$MODELS/div_f32.tflite"
CONV="$MODELS/conv2d_f32.circle"

# --- version, help, bad command lines ---
expect 0 "onert_run (nnfw runtime: v1.30.0)" --version
[ "$("$RUN" --version)" = "onert_run (nnfw runtime: v1.30.0)" ] || fail "--version line"
expect 0 "Usage:" --help
expect 0 "Usage:" -h
expect 1 "Require a model file" 
expect 1 "Unknown option: --bogus" --bogus "$HELLO"
expect 1 "Unknown option: -x" -x "$HELLO"
expect 1 "Usage:" "$HELLO" "$DIV"
expect 1 "requires a value" "$HELLO" --num_runs
expect 1 "not an integer" -r abc "$HELLO"
expect 1 "not an integer" --warmup_runs=1x "$HELLO"
expect 1 "must be >= 1" -r 0 "$HELLO"
expect 1 "must be >= 0" -w -1 "$HELLO"
expect 1 "takes no value" --fixed_input=1 "$HELLO"
expect 1 "Invalid JSON" --shape_run '[0, [1' "$HELLO"
expect 1 "even-sized" --shape_prepare '[0]' "$HELLO"
expect 1 "unsigned integers" --shape_run '[-1, [1]]' "$HELLO"
expect 1 "dims" --shape_run '[0, [1, -2]]' "$HELLO"
expect 1 "must be lists" --shape_run '[0, 3]' "$HELLO"
expect 1 "output_sizes" --output_sizes '[0, -4]' "$HELLO"
expect 1 "Invalid JSON" --output_sizes 'x' "$HELLO"
expect 1 "Cannot find: /no/such/model.tflite" /no/such/model.tflite
printf 'junk' > model.onnx
expect 255 "E:" model.onnx
printf 'junk' > broken.circle
expect 255 "E:" broken.circle

# --- a plain run and the report format ---
expect 0 "Model Filename $HELLO" "$HELLO"
grep -q '^===================================$' out.txt || fail "report separator"
grep -Eq '^MODEL_LOAD   takes [0-9]+\.[0-9]{3} ms$' out.txt || fail "MODEL_LOAD line"
grep -Eq '^PREPARE      takes [0-9]+\.[0-9]{3} ms$' out.txt || fail "PREPARE line"
grep -Eq '^EXECUTE      takes [0-9]+\.[0-9]{3} ms$' out.txt || fail "EXECUTE line"
for f in MEAN MAX MIN GEOMEAN; do
    grep -Eq "^- $f +:  [0-9]+\.[0-9]{3} ms$" out.txt || fail "$f line"
done
line=$(grep '^- MEAN' out.txt)
[ "${line#- MEAN     :  }" != "$line" ] || fail "MEAN line padding: '$line'"
expect 0 "... run 3 takes" -r 3 -w 2 -v 1 --run_delay 10 "$CONV"
grep -q '^\.\.\. warmup 2 takes' out.txt || fail "verbose warmup lines"
expect 0 "Used Peak Memory" -m "$CONV"
for m in RSS HWM PSS; do grep -q "^$m$" out.txt || fail "memory block $m"; done
grep -Eq '^- PEAK         takes [0-9]+ kb$' out.txt || fail "PEAK line"
expect 0 "" -p "$CONV"
[ -f onert_run-conv2d_f32.circle-cpu.csv ] || fail "CSV report not written"
export BACKENDS=cpu
expect 0 "EXECUTE" "$CONV"
export BACKENDS="acl_cl"
expect 255 "E:" "$CONV"
unset BACKENDS

# --- raw load / dump round trip ---
cp "$MODELS/ref/div_f32.in0.bin" in.0
cp "$MODELS/ref/div_f32.in1.bin" in.1
expect 0 "out.0 is generated." "$DIV" --load:raw in --dump:raw out
cmp -s out.0 "$MODELS/ref/div_f32.ort.out0.bin" || fail "div_f32 output differs from the reference"
expect 0 "" "$CONV" --dump_input:raw rin --dump:raw rout
[ "$(wc -c < rin.0)" -eq 72 ] || fail "dumped input size"
expect 0 "" "$CONV" --load:raw rin --dump:raw rout2
cmp -s rout.0 rout2.0 || fail "load/dump round trip changed the output"
head -c 10 rin.0 > short.0
expect 255 "size does not match" "$CONV" --load:raw short
expect 255 "cannot open" "$CONV" --load:raw nosuchprefix
# Regenerated inputs cannot be dumped, and nothing partial is left behind.
rm -f regen.0
expect 255 "Cannot dump input/output with inputs regeneration" -r 3 "$CONV" --dump:raw regen
[ ! -e regen.0 ] || fail "a refused dump left a file"
expect 0 "" -r 3 --fixed_input "$CONV" --dump:raw fixed
[ -f fixed.0 ] || fail "--fixed_input dump missing"
# A too-small output buffer fails the run; no dump file appears.
expect 255 "INSUFFICIENT_OUTPUT_SIZE" --output_sizes '[0, 8]' "$DIV" --dump:raw small
[ ! -e small.0 ] || fail "failed run left a dump"
ls ./*.tmp* >/dev/null 2>&1 && fail "temporary dump files left"

# --- shapes: dynamic batch of hello_world_f32 ([-1, 1]) ---
expect 0 "" "$HELLO" --shape_prepare '[0, [4, 1]]' --dump:raw b4
[ "$(wc -c < b4.0)" -eq 16 ] || fail "--shape_prepare output size"
expect 0 "" "$HELLO" --shape_run '[0, [3, 1]]' --dump:raw b3 --dump_input:raw b3in
[ "$(wc -c < b3.0)" -eq 12 ] || fail "--shape_run output size (dynamic)"
[ "$(wc -c < b3in.0)" -eq 12 ] || fail "--shape_run input size"
expect 255 "E:" "$HELLO" --shape_run '[0, [0, 1]]'
expect 255 "E:" "$HELLO" --shape_run '[5, [1, 1]]'

# --- on-device compilation flags: parsed, then reported as not supported yet ---
expect 255 "E:" -q uint8 "$CONV"
expect 255 "not supported yet" -q int8_wo --qpath "$TMP/q.circle" "$CONV"
expect 255 "INVALID_STATE" -q bogus "$CONV"
expect 255 "isn't .circle" -q uint8 "$HELLO"
expect 255 "E:" --minmax_runs 2 -q uint8 "$CONV"
expect 255 "not supported yet" -c abc-gen "$CONV"
expect 255 "Invalid target" -c abc "$CONV"
expect 0 "" --force_float "$CONV"
expect 255 "signature" --signature nope "$HELLO"
expect 0 "" --signature serving_default "$HELLO"
expect 0 "" -g "$CONV"

# --- nnpackage directory ---
mkdir -p pkg/metadata
ln -s "$CONV" pkg/conv.circle
cat > pkg/metadata/MANIFEST <<'EOF'
{ "major-version": "1", "minor-version": "2", "patch-version": "0",
  "configs": [ "conv.cfg" ], "models": [ "conv.circle" ], "model-types": [ "circle" ] }
EOF
printf 'NUM_THREADS=1\n' > pkg/metadata/conv.cfg
expect 0 "Package Filename pkg" pkg
expect 0 "" pkg/ --dump:raw pkgout
cmp -s pkgout.0 rout.0 || fail "package run differs from the file run (same seed)"

if [ "$FAILS" -ne 0 ]; then
    echo "$FAILS check(s) failed"
    exit 1
fi
echo "all onert_run checks passed"
exit 0
