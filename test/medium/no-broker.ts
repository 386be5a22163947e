/**
 * Stands in for the kafkajs client (the KAFKA provider). The medium tier has no broker: a producer,
 * consumer or admin asked of it is written down and refused, so a boot or a claim that would reach
 * Kafka fails loudly instead of waiting on a connection, and a test can check nothing tried.
 */
export class NoBroker {
  readonly attempts: string[] = [];

  producer(): never {
    return this.refuse('producer');
  }

  consumer(): never {
    return this.refuse('consumer');
  }

  admin(): never {
    return this.refuse('admin');
  }

  private refuse(client: string): never {
    this.attempts.push(client);
    throw new Error(`the medium tests run without Kafka: a ${client} was asked for`);
  }
}
