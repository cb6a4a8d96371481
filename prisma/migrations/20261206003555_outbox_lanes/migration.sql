-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "attemptId" TEXT,
ADD COLUMN     "reportedAt" TIMESTAMP(3),
ADD COLUMN     "sendStartedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "OutboxMessage_channel_target_id_idx" ON "OutboxMessage"("channel", "target", "id");

-- Wake the delivery workers of every instance when rows are queued (LISTEN outbox_new). A rule, not a
-- trigger: one NOTIFY per statement and no function body, which the migration runner would split apart.
CREATE RULE "OutboxMessage_notify" AS ON INSERT TO "OutboxMessage" DO ALSO NOTIFY outbox_new;
