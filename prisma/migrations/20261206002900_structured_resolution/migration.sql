-- AlterTable
ALTER TABLE "Complaint" ADD COLUMN     "causeCategory" TEXT,
ADD COLUMN     "causeDetail" TEXT,
ADD COLUMN     "compensationCents" INTEGER,
ADD COLUMN     "compensationKind" TEXT,
ADD COLUMN     "improvement" TEXT;
