#!/usr/bin/env bash
# Runs the seeded mutation fuzzer (tests/Validator.Fuzz) in Release.
#   tests/fuzz.sh                         every target, 600 s shared by weight, seed 1 (the long run)
#   tests/fuzz.sh --seconds 60            the CI run
#   tests/fuzz.sh --target emv --seed 7 --replay 123   replays one input
# Exit 0: no finding; 1: findings (each printed with seed, iteration and the input as hex, or its hash when it holds a card number).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build tests/Validator.Fuzz -c Release -nologo -v q -clp:ErrorsOnly
args=("$@")
[[ " ${args[*]} " == *" --seconds "* ]] || args+=(--seconds 600)
exec tests/Validator.Fuzz/bin/Release/net10.0/Validator.Fuzz "${args[@]}"
