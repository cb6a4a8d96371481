-- CreateTable
CREATE TABLE "InboxPush" (
    "platform" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "handledAt" TIMESTAMP(3),

    CONSTRAINT "InboxPush_pkey" PRIMARY KEY ("platform","key")
);

-- CreateIndex
CREATE INDEX "InboxPush_handledAt_receivedAt_idx" ON "InboxPush"("handledAt", "receivedAt");
