-- AlterTable
ALTER TABLE "Complaint" ADD COLUMN     "deidentifiedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "deidentifiedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" SERIAL NOT NULL,
    "customerId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "chatId" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decidedBy" TEXT,
    "decidedByName" TEXT,
    "reason" TEXT,

    CONSTRAINT "DataRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DataRequest_customerId_status_idx" ON "DataRequest"("customerId", "status");
