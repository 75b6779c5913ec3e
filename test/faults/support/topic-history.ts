import { Kafka, logLevel } from 'kafkajs';
import { testKafkaBrokers } from '../../support/test-env';

/**
 * Deletes every record of the topic up to its end now, with the admin API's deleteRecords, as
 * retention would after a consumer was down too long. Resolves with how many records went.
 */
export async function deleteTopicHistory(topic: string): Promise<number> {
  const admin = new Kafka({
    clientId: 'fault-delete-records',
    brokers: [testKafkaBrokers()],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.deleteTopicRecords({
      topic,
      partitions: offsets.map(({ partition, high }) => ({ partition, offset: high })),
    });
    return offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
  } finally {
    await admin.disconnect();
  }
}
