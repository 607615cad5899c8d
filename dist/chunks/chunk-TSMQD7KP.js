import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a as h}from"./chunk-XV3YYQIY.js";import{rmSync as u}from"node:fs";import{writeFile as E}from"node:fs/promises";import{join as c}from"node:path";var H="git_ssh_agent_pid",P="ssh_agent_pid";function m(s){try{process.kill(s,"SIGTERM")}catch{}}async function I(s,e,r,A,o,_){let n=c(e,"agent.sock"),g=await s.run("ssh-agent",["-a",n,"-s"],{env:r}).catch(t=>{throw new Error(`ssh-key: could not start ssh-agent (${t instanceof Error?t.message:String(t)}): install openssh-client on the runner`)}),i=Number(/SSH_AGENT_PID=(\d+)/.exec(g.stdout)?.[1]);if(!i)throw new Error("ssh-key: ssh-agent did not say its process id");let p=!1,d={socket:n,pid:i,stop:()=>{p||(p=!0,u(n,{force:!0}),m(i))}};try{let t=c(e,"askpass.sh");await E(t,`#!/bin/sh
[ -e "$HOIST_ASKPASS_USED" ] && exit 1
: > "$HOIST_ASKPASS_USED"
printf '%s\\n' "$HOIST_SSH_PASSPHRASE"
`,{mode:448});let S={...r,SSH_AUTH_SOCK:n,...o?{SSH_ASKPASS:t,SSH_ASKPASS_REQUIRE:"force",DISPLAY:r.DISPLAY??":0",HOIST_SSH_PASSPHRASE:o,HOIST_ASKPASS_USED:c(e,"askpass.used")}:{SSH_ASKPASS_REQUIRE:"never"}},a=A.replace(/\r\n?/g,`
`);await s.run("ssh-add",["-q","-t",String(Math.max(1,Math.round(_))),"-"],{env:S,input:a.endsWith(`
`)?a:`${a}
`,timeoutMs:3e4})}catch(t){d.stop();let S=t instanceof h?t.outputTail.trim().split(`
`).pop():t instanceof Error?t.message:String(t);throw new Error(`ssh-key could not be loaded into ssh-agent: ${S||"ssh-add failed"}. Check that it is a complete private key${o?" and that ssh-key-passphrase is its passphrase":"; an encrypted key needs ssh-key-passphrase"}`)}return d}export{H as a,P as b,m as c,I as d};
