// End-to-end tests start processes and wait on Kafka; a per-project testTimeout is not honoured by jest.
jest.setTimeout(120000);
