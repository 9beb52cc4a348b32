# The project's image for docker-compose: the official Airflow 3.3 image plus our pinned
# dependencies and code. Build: docker compose build
ARG AIRFLOW_IMAGE=apache/airflow:3.3.2-python3.11
FROM ${AIRFLOW_IMAGE}

# torch from PyPI is a multi-gigabyte CUDA build; point TORCH_INDEX_URL at a CPU-only wheel
# index to keep the image small (left empty, PyPI's default build is used).
ARG TORCH_INDEX_URL=""
ENV HF_HUB_OFFLINE=1 \
    CULTURE_VAR_DIR=/opt/culture/var \
    CULTURE_LANDING_DIR=/opt/culture/landing

USER root
RUN mkdir -p /opt/culture/var /opt/culture/landing /opt/culture/app \
 && chown -R airflow:0 /opt/culture
USER airflow

COPY --chown=airflow:0 requirements.txt /opt/culture/app/requirements.txt
RUN if [ -n "$TORCH_INDEX_URL" ]; then pip install --no-cache-dir --index-url "$TORCH_INDEX_URL" torch==2.13.0; fi \
 && pip install --no-cache-dir -r /opt/culture/app/requirements.txt

COPY --chown=airflow:0 . /opt/culture/app
RUN pip install --no-cache-dir --no-deps -e /opt/culture/app
WORKDIR /opt/culture/app
