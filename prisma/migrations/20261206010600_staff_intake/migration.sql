-- AlterTable
ALTER TABLE "Complaint" ADD COLUMN     "recordedBy" TEXT,
ADD COLUMN     "recordedByName" TEXT;

-- CreateTable
CREATE TABLE "CustomerTask" (
    "id" SERIAL NOT NULL,
    "complaintId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "doneAt" TIMESTAMP(3),
    "doneBy" TEXT,
    "doneByName" TEXT,

    CONSTRAINT "CustomerTask_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CustomerTask_complaintId_idx" ON "CustomerTask"("complaintId");

-- AddForeignKey
ALTER TABLE "CustomerTask" ADD CONSTRAINT "CustomerTask_complaintId_fkey" FOREIGN KEY ("complaintId") REFERENCES "Complaint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
