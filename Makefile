# entente — the commands a newcomer uses. Each target does its own set-up on a fresh Debian 12
# machine: installs missing packages, configures and builds, then runs.
BUILD       ?= build
ASAN_BUILD  ?= build-asan
FUZZ_BUILD  ?= build-fuzz
TSAN_BUILD  ?= build-tsan
PREFIX      ?= /usr/local
# The tests that run threads (Monte Carlo, the war window, the parallel model kernels).
TSAN_TESTS  ?= test_oom|test_oom_sections|test_montecarlo|test_war|test_eum_fast|test_exchange|test_trace_none|test_mc|test_war_cli|test_smp_parallel|test_pool|test_smp_pool
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 30

.PHONY: all deps build demo test sanitize bench fuzz clean tsan install cppcheck

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENTENTE_WERROR=ON >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The demo builds quietly (one progress line; the log in $(BUILD)/build.log), then answers.
demo: deps
	@bash scripts/quiet-build.sh $(BUILD) $(JOBS) entente -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENTENTE_WERROR=ON
	@./$(BUILD)/entente forecast
	@echo
	@./$(BUILD)/entente forecast --what-if UKR.talks.public=50 --draws 2000 | sed -n '/^What if/,$$p'
	@echo
	@./$(BUILD)/entente run
	@echo
	@./$(BUILD)/entente compare
	@echo
	@./$(BUILD)/entente report -o $(BUILD)/report.html
	@echo "report: $(abspath $(BUILD)/report.html) (open it in any browser; no network needed)"

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

sanitize: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DENTENTE_SANITIZE=ON -DENTENTE_WERROR=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

# The libraries, entente.h, entente.pc, the man page and the CLI under $(PREFIX) (DESTDIR for
# staged installs: make install PREFIX=/usr DESTDIR=/tmp/stage).
install: build
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

# ThreadSanitizer over the threaded tests.
tsan: deps
	@cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENTENTE_TSAN=ON -DENTENTE_WERROR=ON >/dev/null
	@cmake --build $(TSAN_BUILD) -j $(JOBS)
	@TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  ctest --test-dir $(TSAN_BUILD) --output-on-failure -j $(JOBS) -R '^($(TSAN_TESTS))$$'

# Static analysis: cppcheck's warnings (uninitialised reads, pointer casts between incompatible
# types, ...) fail the target.
cppcheck:
	@ENTENTE_EXTRA_PACKAGES="$${ENTENTE_EXTRA_PACKAGES:-} cppcheck" bash scripts/install-deps.sh
	@cppcheck --std=c11 --enable=warning,portability --error-exitcode=1 -q -j $(JOBS) \
	  -D__GNUC__ -D__x86_64__ -Isrc -Iinclude --suppress=missingIncludeSystem src

bench: build
	@cmake --build $(BUILD) --target benchmarks -j $(JOBS)
	@for b in $(BUILD)/bench_*; do echo "== $$b"; ./$$b || exit 1; done

fuzz: 
	@ENTENTE_WITH_FUZZ=1 bash scripts/install-deps.sh
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DENTENTE_FUZZ=ON -DENTENTE_TESTS=OFF \
	  -DENTENTE_SANITIZE=ON -DENTENTE_WERROR=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@for f in $$(find $(FUZZ_BUILD) -maxdepth 1 -type f -perm -u+x -name "fuzz_*" | sort); do \
	  name=$$(basename $$f); mkdir -p $(FUZZ_BUILD)/corpus/$$name fuzz/corpus/$$name; \
	  echo "== $$name ($(FUZZ_SECONDS) s)"; \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/fuzz/lsan.supp $$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -print_final_stats=1 \
	    $(FUZZ_BUILD)/corpus/$$name fuzz/corpus/$$name 2>$(FUZZ_BUILD)/$$name.log \
	    || { tail -50 $(FUZZ_BUILD)/$$name.log; exit 1; }; \
	  grep -E "stat::number_of_executed_units|Done" $(FUZZ_BUILD)/$$name.log | tail -2; \
	done

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(TSAN_BUILD)
