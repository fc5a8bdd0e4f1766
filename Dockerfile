# The connector as Airbyte runs it: `docker run IMAGE spec|check|discover|read`.
#   docker build -t airbyte/source-sms:dev .
# BASE_IMAGE defaults to Airbyte's pinned base; the image tests pass a local stand-in for it
# (scripts/docker/standin-base.sh), since no registry can be reached where they run.
ARG BASE_IMAGE=docker.io/airbyte/python-connector-base:4.0.2@sha256:9fdb1888c4264cf6fee473649ecb593f56f58e5d0096a87ee0b231777e2e3e73

# The connector's wheel, built with the locked setuptools; this stage is thrown away.
FROM ${BASE_IMAGE} AS wheel
USER root
WORKDIR /build
COPY requirements/build.txt ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r build.txt
COPY pyproject.toml README.md ./
COPY source_sms ./source_sms
COPY sms_emulator ./sms_emulator
RUN pip wheel --no-cache-dir --no-deps --no-build-isolation --wheel-dir /wheel .

FROM ${BASE_IMAGE}
USER root
WORKDIR /airbyte/integration_code
# The locked dependency tree first, in a layer of its own: a change to the connector's code
# rebuilds only the small layers below it.
COPY requirements/image.txt ./requirements.txt
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.txt
COPY --from=wheel /wheel /tmp/wheel
RUN pip install --no-cache-dir --no-deps /tmp/wheel/*.whl && rm -rf /tmp/wheel
# The platform runs the image through AIRBYTE_ENTRYPOINT; `docker run IMAGE spec` uses ENTRYPOINT.
ENV AIRBYTE_ENTRYPOINT="source-sms"
ENTRYPOINT ["source-sms"]
USER airbyte
