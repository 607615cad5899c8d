/**
 * The nineteenth round's binary artifacts: a value deflated raw (no zlib or gzip header, no magic number) and kept as
 * bytes inside a language's own serialization — PHP's gzdeflate in a session file and in a serialized cache entry,
 * Ruby's Zlib::Deflate with -15 window bits in a Marshal dump (of text, and of another Marshal dump), Node's
 * zlib.deflateRawSync in a v8.serialize'd cache, Python's zlib.compressobj(wbits=-15) in a pickle, Java's
 * Deflater(9, true) in an ObjectOutputStream's byte[]. Each is made by the real runtime (php 8.2, ruby 3.1, the
 * machine's node, python3 of the distribution, java 17); the value is placed as an app caching its settings places it.
 */
import type { Variant } from './variant-text.js';

/** The file's bytes must not hold the value (it is deflated), and the file must be there. */
const hidden = (file: string) => `\ntest -s "$OUT/${file}" && ! grep -F "$S" "$OUT/${file}" > /dev/null`;

const javaSer = `mkdir -p j && cat > j/G.java <<'JEOF'
import java.nio.file.*; import java.util.zip.*; import java.io.*; import java.util.*;
public class G { public static void main(String[] a) throws Exception {
 String s = Files.readString(Path.of("secret")); StringBuilder b = new StringBuilder("API_TOKEN=" + s + "\\n"); for (int i = 0; i < 3000; i++) b.append("LINE_" + i + "\\n");
 ByteArrayOutputStream bo = new ByteArrayOutputStream(); try (DeflaterOutputStream o = new DeflaterOutputStream(bo, new Deflater(9, true))) { o.write(b.toString().getBytes()); }
 HashMap<String,Object> m = new HashMap<>(); m.put("k", "cfg"); m.put("v", bo.toByteArray());
 try (ObjectOutputStream o = new ObjectOutputStream(new FileOutputStream(System.getenv("OUT") + "/session.ser"))) { o.writeObject(m); } } }
JEOF
java j/G.java`;

export const r19Binary: Variant[] = [
  {
    id: 'php-session-gzdeflate',
    name: 'a PHP session file (name|serialize(gzdeflate(serialize(…)))): raw deflate inside s:N:"…"',
    realWorld: "/var/lib/php/sessions/sess_* of an app that compresses its session payload (a token in the user's session) left in the image",
    kind: 'token',
    script: `php -r '$s=file_get_contents("secret"); file_put_contents(getenv("OUT")."/sess_abc", "data|".serialize(gzdeflate(serialize(["token"=>$s,"rows"=>range(1,2000)]))));'${hidden('sess_abc')}`,
    where: /php-session-gzdeflate\/sess_abc@13!/,
  },
  {
    id: 'php-serialize-gzdeflate',
    name: 'a PHP serialized cache entry (serialize(["v" => gzdeflate(…)]))',
    realWorld: 'a framework file cache (a serialized array whose value was gzdeflated to save space) under storage/ or var/cache/',
    kind: 'token',
    script: `php -r '$s=file_get_contents("secret"); file_put_contents(getenv("OUT")."/cache.ser", serialize(["k"=>"cfg","v"=>gzdeflate("token=".$s." ".implode(",",range(1,2000)))]));'${hidden('cache.ser')}`,
    where: /php-serialize-gzdeflate\/cache\.ser@\d+!/,
  },
  {
    id: 'ruby-marshal-deflated-marshal',
    name: 'a Ruby Marshal dump holding Zlib::Deflate.new(6, -15) of another Marshal dump',
    realWorld: 'a Rails/Sinatra file cache entry whose payload was deflated raw (Marshal inside Marshal)',
    kind: 'token',
    script: `ruby -rzlib -e 's=File.read("secret"); z=Zlib::Deflate.new(6,-15); d=z.deflate(Marshal.dump({token: s, rows: (1..2000).map(&:to_s)}), Zlib::FINISH); File.binwrite(File.join(ENV["OUT"],"cache.bin"), Marshal.dump({k: "cfg", v: d}))'${hidden('cache.bin')}`,
    where: /ruby-marshal-deflated-marshal\/cache\.bin@\d+!/,
  },
  {
    id: 'ruby-marshal-deflated-text',
    name: 'a Ruby Marshal dump holding Zlib::Deflate.new(6, -15) of text',
    realWorld: 'a Ruby app caching a deflated settings string with Marshal',
    kind: 'token',
    script: `ruby -rzlib -e 's=File.read("secret"); z=Zlib::Deflate.new(6,-15); d=z.deflate("token=" + s + " " + (1..2000).to_a.join(","), Zlib::FINISH); File.binwrite(File.join(ENV["OUT"],"cache.bin"), Marshal.dump({k: "cfg", v: d}))'${hidden('cache.bin')}`,
    where: /ruby-marshal-deflated-text\/cache\.bin@\d+!/,
  },
  {
    id: 'node-v8-deflateraw',
    name: "Node's v8.serialize of { v: zlib.deflateRawSync(JSON) }",
    realWorld: "a Node service's on-disk cache (v8-serialized entries, bodies deflated raw) baked into its image",
    kind: 'token',
    script: `node -e 'const fs=require("fs"),z=require("zlib"),v8=require("v8");const s=fs.readFileSync("secret","utf8");fs.writeFileSync(process.env.OUT+"/cache.bin",v8.serialize({k:"cfg",v:z.deflateRawSync(Buffer.from(JSON.stringify({token:s,rows:Array.from({length:2000},(_, i)=>i)})))}))'${hidden('cache.bin')}`,
    where: /node-v8-deflateraw\/cache\.bin@\d+!/,
  },
  {
    id: 'python-pickle-deflateraw',
    name: "a pickle holding zlib.compressobj(6, DEFLATED, -15)'s bytes",
    realWorld: 'a Python app cache (diskcache/shelve-like pickles) holding a deflated settings blob',
    kind: 'token',
    script: `/usr/bin/python3 -c "import pickle,zlib,os;s=open('secret').read();c=zlib.compressobj(6,zlib.DEFLATED,-15);d=c.compress(('token='+s+' '+','.join(map(str,range(2000)))).encode())+c.flush();open(os.environ['OUT']+'/cache.pkl','wb').write(pickle.dumps({'k':'cfg','v':d}))"${hidden('cache.pkl')}`,
    where: /python-pickle-deflateraw\/cache\.pkl@\d+!/,
  },
  {
    id: 'java-ser-deflater-nowrap',
    name: 'a Java ObjectOutputStream of a HashMap holding a byte[] of Deflater(9, true)',
    realWorld: "a Java app's serialized session store (Tomcat/Spring session files) whose attribute was deflated raw",
    kind: 'token',
    script: `${javaSer}${hidden('session.ser')}`,
    where: /java-ser-deflater-nowrap\/session\.ser@\d+!/,
  },
];
