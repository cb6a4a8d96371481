/** The outbox under platform faults on the embedded database (the scenarios are in delivery-suite.ts). */
import { testDatabases } from '../support/databases.ts';
import { deliveryUnderFaults } from './delivery-suite.ts';

deliveryUnderFaults(testDatabases().find((k) => k.name === 'pglite')!);
