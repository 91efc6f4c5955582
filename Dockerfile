ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE} AS build

# The PyTorch CPU wheel index, so pip does not fetch the CUDA build of torch (gigabytes).
# Pass --build-arg TORCH_INDEX_URL= (empty) to use only PyPI and pip's configured find-links.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1

RUN python3 -m venv /opt/quotebot
ENV PATH=/opt/quotebot/bin:$PATH
WORKDIR /src

# torch first, alone, from the CPU index (and cached apart from the code); the project after it
# finds torch==2.13.0 satisfied.
RUN pip install ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} "torch==2.13.0"
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install .
# What a CPU inference process never loads: torch's C++ headers, test data and static libraries,
# the test suites of scipy, scikit-learn and others, and pip itself.
# (The runtime stage copies the environment, so removing them here shrinks the image.)
RUN python -c "import pathlib, shutil, torch; root = pathlib.Path(torch.__file__).parent; \
[shutil.rmtree(root / p, ignore_errors=True) for p in ('include', 'test', 'share/cmake')]; \
[f.unlink() for f in root.glob('lib/*.a')]" \
 && find /opt/quotebot/lib -type d -name tests -prune -exec rm -rf {} + \
 && pip uninstall --yes --quiet pip

# The index of the shipped corpus, built with the model inside the image.
COPY corpus /app/corpus
RUN HF_HUB_OFFLINE=1 quotebot index build --corpus /app/corpus --index /app/index


FROM ${BASE_IMAGE}

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin quotebot \
 && mkdir -p /app/data && chown quotebot:quotebot /app/data
COPY --from=build /opt/quotebot /opt/quotebot
COPY --from=build --chown=quotebot:quotebot /app /app

ENV PATH=/opt/quotebot/bin:$PATH \
    HF_HUB_OFFLINE=1 \
    PYTHONUNBUFFERED=1 \
    CORPUS_DIR=/app/corpus \
    INDEX_DIR=/app/index \
    DATA_DIR=/app/data
WORKDIR /app
USER quotebot
VOLUME ["/app/data"]
EXPOSE 8443

# Fails when the bot is not receiving updates: the running bot refreshes a heartbeat in DATA_DIR.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["quotebot", "health"]
ENTRYPOINT ["quotebot"]
CMD ["run"]
