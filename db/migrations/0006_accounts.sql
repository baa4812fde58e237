CREATE TYPE "public"."account_token_purpose" AS ENUM('verify_email', 'reset_password');--> statement-breakpoint
CREATE TABLE "account_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"purpose" "account_token_purpose" NOT NULL,
	"token_hash" text NOT NULL,
	"email" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "account_tokens" ADD CONSTRAINT "account_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_tokens_user_id_idx" ON "account_tokens" USING btree ("user_id");--> statement-breakpoint
-- Hand-written: accounts created through Google sign-in (no password, a Google identity with the
-- account's address) have an address Google verified. Password accounts stay unverified, even
-- when linked to Google: whoever set the password never proved the address.
UPDATE "users" SET "email_verified_at" = "users"."created_at"
WHERE "users"."password_hash" IS NULL
  AND EXISTS (
    SELECT 1 FROM "oauth_accounts"
    WHERE "oauth_accounts"."user_id" = "users"."id"
      AND "oauth_accounts"."provider" = 'google'
      AND lower("oauth_accounts"."email") = lower("users"."email")
  );
