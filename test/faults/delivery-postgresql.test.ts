/** The outbox under platform faults on PostgreSQL (the scenarios are in delivery-suite.ts); skipped without TEST_DATABASE_URL. */
import { describe } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { databaseGoneBetweenSendAndMark, deliveryUnderFaults } from './delivery-suite.ts';

const postgres = testDatabases().find((k) => k.name === 'postgresql');
if (postgres) {
  deliveryUnderFaults(postgres);
  databaseGoneBetweenSendAndMark();
} else describe.skip('delivery under faults on postgresql (TEST_DATABASE_URL unset)', () => {});
