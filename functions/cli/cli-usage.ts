/** The text `patgate --help` prints, and usage errors repeat. */
export const USAGE = `Usage: patgate [--table NAME | --data-dir DIR] <command> [options]

Administers patgate's users and tokens directly in its DynamoDB table (no
login needed: whoever can reach the table is an administrator).

Where the data is:
  (default)          the local data folder of \`npm start\`: PATGATE_DATA_DIR,
                     or .patgate in the current folder. While \`npm start\`
                     runs on that folder, the CLI goes through the server's
                     engine; otherwise it opens the folder itself.
  --data-dir DIR     another local data folder.
  --table NAME       a deployed table, with the usual AWS credentials and
                     region (AWS_PROFILE, AWS_REGION, ...). TABLE_NAME and
                     DYNAMODB_ENDPOINT in the environment work as for the
                     server.

Commands:
  users create --email EMAIL [--role ROLE]... [--password-stdin | --password PASSWORD]
      Creates an active user and prints its id. The password (12 characters
      or more) is asked for on a terminal, typed twice and not shown, or read
      from standard input when it is not a terminal (or with --password-stdin),
      so that it never lands in the shell history or a process listing.
      --password exists for throwaway setups only.
  users list [--json]
      Lists every user: id, email, status, roles, creation time.
  users set-roles ID ROLE... | users set-roles ID --none
      Replaces the user's roles (1 to 64 characters of A-Z a-z 0-9 _ . : -;
      "admin" administers users). Tokens are kept and carry the new roles.
  users disable ID
      Refuses every token of the user until it is enabled again.
  users enable ID
      Lets the user's tokens that were not revoked work again.
  users delete ID
      Deletes the user and every token record of theirs.
  tokens list --user ID [--json]
      Lists the user's live tokens (sessions and PATs): id, kind, name,
      created, expires, last used. Never the token itself.
  tokens revoke --user ID TOKEN_ID
  tokens revoke --user ID --all
      Revokes one token of the user (a leaked PAT) or all of them.

The last active admin cannot be disabled, demoted or deleted.

Options:
  -h, --help         this text.

Exit status: 0 done; 1 the command failed (the store said no or could not be
reached; one line on stderr); 2 the command line was wrong (what is wrong,
then this text).
`;
