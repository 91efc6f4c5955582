ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE} AS build

# The PyTorch CPU wheel index, so pip does not fetch the CUDA build of torch (gigabytes).
# Pass --build-arg TORCH_INDEX_URL= (empty) to use only PyPI and pip's configured find-links.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1

RUN python3 -m venv /opt/quotebot
ENV PATH=/opt/quotebot/bin:$PATH
WORKDIR /src

COPY pyproject.toml README.md ./
COPY bot ./bot
# torch first, alone, from the CPU index; the project after it finds torch==2.13.0 satisfied.
RUN pip install ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} "torch==2.13.0" \
 && pip install . \
 && python - <<'PY'
# Parts of torch a CPU inference process never loads: C++ headers, test data, static libraries.
import pathlib, shutil, torch
root = pathlib.Path(torch.__file__).parent
for part in ("include", "test", "testing/_internal/generated", "share/cmake", "bin"):
    shutil.rmtree(root / part, ignore_errors=True)
for static in root.glob("lib/*.a"):
    static.unlink()
PY

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
