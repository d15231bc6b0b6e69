# The one image for every process of docker-compose.yml (web, webhooks, worker, cron, migrate).
FROM python:3.11-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm unzip curl \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g bun
WORKDIR /app
COPY . .
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir -r requirements.txt && mkdir -p data
ENV REFLEX_USE_SYSTEM_BUN=1 PATH=/app/.venv/bin:$PATH
EXPOSE 3000
CMD ["reflex", "run", "--env", "prod"]
