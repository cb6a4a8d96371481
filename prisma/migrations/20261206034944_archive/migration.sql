-- AlterTable
ALTER TABLE "Complaint" ADD COLUMN     "archivedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Complaint_archivedAt_status_idx" ON "Complaint"("archivedAt", "status");
