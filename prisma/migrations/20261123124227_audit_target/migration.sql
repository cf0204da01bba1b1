-- CreateIndex
CREATE INDEX "audit_log_target_at_idx" ON "audit_log"("target", "at" DESC);
