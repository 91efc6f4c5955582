ARG BASE_IMAGE=python:3.11-slim-bookworm

# --- Stage 1: export the model to ONNX and index the shipped corpus (torch lives only here) ---
FROM ${BASE_IMAGE} AS export

# The PyTorch CPU wheel index, so pip does not fetch the CUDA build of torch (gigabytes).
# Pass --build-arg TORCH_INDEX_URL= (empty) to use only PyPI and pip's configured find-links.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
# The model to ship: the bundled one (no internet needed), or a hub name (needs internet here).
ARG EMBEDDING_MODEL=sentence-transformers/all-MiniLM-L6-v2
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1

RUN python3 -m venv /opt/export
ENV PATH=/opt/export/bin:$PATH
WORKDIR /src

# torch first, alone, from the CPU index (and cached apart from the code); the project after it
# finds torch==2.13.0 satisfied.
RUN pip install ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} "torch==2.13.0"
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install ".[torch]"
ENV EMBEDDING_MODEL=${EMBEDDING_MODEL} MODEL_CACHE_DIR=/opt/models
RUN quotebot model export
COPY corpus /app/corpus
RUN quotebot index build --corpus /app/corpus --index /app/index


# --- Stage 2: the serving environment: onnxruntime, FAISS and python-telegram-bot, no torch ----
FROM ${BASE_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python3 -m venv /opt/quotebot
ENV PATH=/opt/quotebot/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install . \
 && find /opt/quotebot/lib -type d -name tests -prune -exec rm -rf {} + \
 && pip uninstall --yes --quiet pip


# --- Stage 3: the image ----------------------------------------------------------------------
FROM ${BASE_IMAGE}
ARG EMBEDDING_MODEL=sentence-transformers/all-MiniLM-L6-v2

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin quotebot \
 && mkdir -p /app/data && chown quotebot:quotebot /app/data
COPY --from=build /opt/quotebot /opt/quotebot
COPY --from=export /opt/models /opt/models
COPY --from=export --chown=quotebot:quotebot /app /app

ENV PATH=/opt/quotebot/bin:$PATH \
    HF_HUB_OFFLINE=1 \
    PYTHONUNBUFFERED=1 \
    EMBEDDING_MODEL=${EMBEDDING_MODEL} \
    MODEL_CACHE_DIR=/opt/models \
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
