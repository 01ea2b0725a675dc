# The Doorstep app image: the web app (`doorstep serve`), the worker (`doorstep worker`) and the
# one-shot migration (`doorstep db upgrade`) all run from it. Rasa runs from its own image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first (cached while only the code changes), then the code.
COPY pyproject.toml README.md ./
RUN mkdir -p bot data nlu flows actions \
    && touch bot/__init__.py data/__init__.py nlu/__init__.py flows/__init__.py actions/__init__.py \
    && pip install . \
    && pip uninstall -y doorstep

COPY bot ./bot
COPY data ./data
COPY nlu ./nlu
COPY flows ./flows
COPY actions ./actions
RUN pip install --no-deps . && rm -rf /app/build

RUN useradd --system --uid 10001 --create-home --home-dir /home/doorstep doorstep \
    && mkdir -p /app/var && chown doorstep /app/var
USER doorstep

ENV HOST=0.0.0.0 \
    PORT=8000
EXPOSE 8000
CMD ["doorstep", "serve"]
