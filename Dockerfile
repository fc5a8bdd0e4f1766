# docker build -t airbyte/source-sms:dev . && docker run --rm airbyte/source-sms:dev spec
FROM docker.io/airbyte/python-connector-base:4.0.2@sha256:9fdb1888c4264cf6fee473649ecb593f56f58e5d0096a87ee0b231777e2e3e73 AS builder
WORKDIR /airbyte/integration_code
COPY pyproject.toml README.md ./
COPY source_sms ./source_sms
COPY sms_emulator ./sms_emulator
RUN pip install --no-cache-dir --prefix=/install .

FROM docker.io/airbyte/python-connector-base:4.0.2@sha256:9fdb1888c4264cf6fee473649ecb593f56f58e5d0096a87ee0b231777e2e3e73
COPY --from=builder /install /usr/local
# The platform runs the image through AIRBYTE_ENTRYPOINT; `docker run IMAGE spec` uses ENTRYPOINT.
ENV AIRBYTE_ENTRYPOINT="source-sms"
ENTRYPOINT ["source-sms"]
USER airbyte
