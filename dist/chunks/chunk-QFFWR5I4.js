import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
var r=["OPENSSH PRIVATE KEY","RSA PRIVATE KEY","EC PRIVATE KEY","DSA PRIVATE KEY","PRIVATE KEY","ENCRYPTED PRIVATE KEY"].map(E=>`-----BEGIN ${E}-----`);function n(E){return/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]+-----END [A-Z0-9 ]*PRIVATE KEY-----/.test(E)}function A(E){return E.split(/\r?\n/).filter(t=>t&&!t.startsWith("-----")).join("")}export{r as a,n as b,A as c};
