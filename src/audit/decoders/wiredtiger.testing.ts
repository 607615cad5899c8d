/** For wiredtiger's tests: a table made by the real `wt` tool. */
import { tool } from './testing.js';

/** cfg.wt: 3,000 user records and one config record holding `v` (sorted first, so it starts a page), compressed by `c`. */
export const wtTable = (v: string, c: string) =>
  tool(
    'sh',
    [
      '-c',
      `X="extensions=[/usr/lib/x86_64-linux-gnu/libwiredtiger_${c}.so]"; mkdir db
wt -C "create,$X" -h db create -c "block_compressor=${c},key_format=S,value_format=S" table:cfg
(echo "WiredTiger Dump (WiredTiger Version 3.2.1)"; echo Format=print; echo Header; echo table:cfg
 echo "block_compressor=${c},key_format=S,value_format=S"; echo Data
 echo api; printf '{"api_token":"%s"}\\n' "$(cat secret)"
 for i in $(seq 1 3000); do echo "user$i"; echo "{\\"id\\":$i,\\"role\\":\\"reader\\"}"; done) > dump.txt
wt -C "$X" -h db load -f dump.txt > /dev/null`,
    ],
    { secret: v },
    'db/cfg.wt',
  );
