# oralblanc: one image for every role of a scaled-out bot (README, "Past one machine").
#   ingress: oralblanc bot --webhook-url URL --listen 0.0.0.0 --port 8080 --secret-token S --queue
#   worker:  oralblanc worker --concurrency 8 --metrics-port 9100
# The single-process default (long polling, SQLite) runs from the same image: oralblanc bot
FROM python:3.11-slim-bookworm

# Speech (espeak-ng for pyttsx3), PDF reports (pango), offline French grammar (grammalecte).
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng libespeak-ng1 python3-grammalecte \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY scenarios ./scenarios
COPY personas ./personas
COPY feedback ./feedback
COPY storage ./storage
RUN pip install --no-cache-dir . \
 && ln -s /usr/lib/python3/dist-packages/grammalecte \
        "$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/grammalecte"

RUN useradd --create-home --uid 10001 oralblanc
USER oralblanc
ENV ORALBLANC_DATA_DIR=/home/oralblanc/data PYTHONUNBUFFERED=1
EXPOSE 8080 9100
ENTRYPOINT ["oralblanc"]
CMD ["bot"]
