# Convenience front end over CMake.  The README's two commands are `make demo`
# and `make test`; both install missing Debian packages first.
BUILD ?= build
ASAN_BUILD ?= build-asan
BENCH_BUILD ?= build-bench
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 30
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build demo test test-plain test-asan fuzz-build fuzz-smoke fuzz install bench clean

all: build

deps:
	@sh scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j$(JOBS)

# The main job on the shipped fixtures.
demo: build
	sh scripts/demo.sh $(BUILD)/x12

# The whole suite: a -Werror build, the same suite under ASan+UBSan, then a
# short run of each fuzz target (FUZZ_SECONDS each) seeded from fixtures/.
test: deps test-plain test-asan fuzz-smoke

test-plain:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DX12KIT_WERROR=ON -DX12KIT_BUILD_TESTS=ON
	cmake --build $(BUILD) -j$(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

test-asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DX12KIT_WERROR=ON -DX12KIT_SANITIZE=ON -DX12KIT_BUILD_TESTS=ON
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j$(JOBS) -LE no-asan

fuzz-build:
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DX12KIT_BUILD_TESTS=OFF -DX12KIT_BUILD_FUZZ=ON -DX12KIT_WERROR=ON
	cmake --build $(FUZZ_BUILD) -j$(JOBS)

# Each target starts from a scratch copy of the seeds, so fixtures stay as they are.
fuzz-smoke: fuzz-build
	sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# Longer campaigns (10 minutes a target by default): make fuzz FUZZ_SECONDS=3600
fuzz: FUZZ_SECONDS = 600
fuzz: fuzz-build
	sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# PGO=1: a profile-guided Release build (scripts/pgo-build.sh, GCC) is installed
# instead, 3-20% faster on the benchmarks (bench/README.md).
PGO ?= 0
PGO_BUILD ?= build-pgo
ifeq ($(PGO),1)
install: deps
	sh scripts/pgo-build.sh $(PGO_BUILD) -DX12KIT_BUILD_TESTS=OFF
	cmake --install $(PGO_BUILD) --prefix $(PREFIX)
else
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)
endif

# Benchmarks are separate from the tests (they generate ~200 MB of input).
# The reader and 835 benchmarks run on the plain build and on a profile-guided
# one (BENCH_BUILD-pgo) side by side; the others on the plain build.
bench: deps
	cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DX12KIT_BUILD_TESTS=OFF -DX12KIT_BUILD_BENCH=ON
	cmake --build $(BENCH_BUILD) -j$(JOBS)
	sh scripts/pgo-build.sh $(BENCH_BUILD)-pgo -DX12KIT_BUILD_TESTS=OFF -DX12KIT_BUILD_BENCH=ON
	sh bench/run.sh $(BENCH_BUILD) $(BENCH_BUILD)-pgo

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD)
