#!/usr/bin/env python3
"""Random kustomization trees for differential testing of `shgw build` vs `kubectl kustomize`.

Usage: gen.py SEED OUTDIR   (writes OUTDIR/{base,comp,mid,overlay}/...; prints the dir to build)

Only features in scope are generated: resources, components, namespace, namePrefix/nameSuffix,
labels, commonLabels, commonAnnotations, images, replicas, patches (SMP / JSON6902, targets),
patchesStrategicMerge, patchesJson6902, configMapGenerator/secretGenerator, generatorOptions.
Also: `labels[].fields`, components with their own resources, `replicas` by current (renamed)
name, `kubernetes.io/tls` secrets from keyed files, patch targets with group apps/version v1.
Stdlib only.
"""
import json
import os
import random
import sys

ODD = [
    "yes", "no", "on", "off", "y", "n", "true", "False", "null", "~", "0755", "0x1F", "1e3",
    "1.0", "12", "-1", ".5", "+1", "0o17", "1_000", "2001-12-14", "12:30", "NaN", ".inf",
    "a long string with spaces and words", " leading space", "trailing space ",
    "héllo wörld ✓", "日本語", "multi\nline\n", "multi\nline no end",
    "tab\there", "colon: inside", "hash # inside", "#start", "- dash", "[brackets]",
    "{brace}", "*star", "&amp", "!bang", "%pct", "@at", "`tick", "'single'", '"double"',
    "back\\slash", "", "=", "a=b", "x" * 90, "word " * 25, "ends with colon:", "?q",
    "|pipe", ">gt", "\u00a0nbsp", "line1\n  indented\nline3\n", "\n", "trailing nl\n\n",
]
# Characters outside the Basic Multilingual Plane: go-yaml escapes them ("\U0001F680"); that is
# the shared YAML emitter's business (crate shgw-yaml), so they are opt-in.
if os.environ.get("FUZZ_EMOJI"):
    ODD.append("emoji \U0001F680")
# Scalars that mean something else when written plain (YAML 1.1 / 1.2 differences).
PLAIN_ODD = {"yes", "on", "0755", "1e3", "2001-12-14", "~", "null", "0x1F", "12:30", "1_000",
             ".5", "+1", "true", "n", "1.0", "12"}
PLAIN = ["alpha", "beta", "web", "v1", "blue", "green", "x", "prod", "team-a", "a.b.c"]


def rnd_str(r, odd_p=0.35):
    if r.random() < odd_p:
        return r.choice(ODD)
    return r.choice(PLAIN) + (str(r.randint(0, 99)) if r.random() < 0.3 else "")


def needs_quote(s):
    if s == "" or s != s.strip() or "\n" in s or "\t" in s:
        return True
    if s.lower() in ("yes", "no", "on", "off", "y", "n", "true", "false", "null", "~",
                     ".nan", "nan", ".inf", "-.inf"):
        return True
    if s[0] in "-?:,[]{}#&*!|>'\"%@`" or ": " in s or " #" in s or s.endswith(":"):
        return True
    try:
        float(s.replace("_", ""))
        return True
    except ValueError:
        pass
    if s.startswith(("0x", "0o")) or any(c in s for c in "\\\u00a0") or ":" in s:
        return True
    return False


def scalar(r, v, indent):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return str(v)
    s = v
    if s in PLAIN_ODD and r.random() < 0.15:
        return s
    if "\n" in s and s.strip() and not s.startswith((" ", "\n")) and r.random() < 0.5 \
            and "\t" not in s and not any(l != l.rstrip() for l in s.split("\n")):
        pad = "  " * (indent + 1)
        chomp = "" if s.endswith("\n") and not s.endswith("\n\n") else ("-" if not s.endswith("\n") else "+")
        body = s[:-1] if s.endswith("\n") else s
        if chomp == "+":
            body = s.rstrip("\n")
            extra = len(s) - len(body) - 1
            return "|+\n" + "\n".join(pad + l if l else "" for l in body.split("\n")) + "\n" * (extra)
        return "|" + chomp + "\n" + "\n".join(pad + l if l else "" for l in body.split("\n"))
    if needs_quote(s):
        if r.random() < 0.3 and "\n" not in s and "'" not in s and "\t" not in s:
            return "'" + s + "'"
        return json.dumps(s, ensure_ascii=r.random() < 0.2)
    return s


def emit(r, v, indent=0):
    """Block-style YAML of v (dict/list/scalar), as lines."""
    pad = "  " * indent
    out = []
    if isinstance(v, dict):
        if not v:
            return [pad + "{}"]
        for k, x in v.items():
            ks = scalar(r, k, indent) if needs_quote(k) else k
            if isinstance(x, dict) and x:
                out.append(f"{pad}{ks}:")
                out.extend(emit(r, x, indent + 1))
            elif isinstance(x, list) and x:
                out.append(f"{pad}{ks}:")
                out.extend(emit(r, x, indent + (1 if r.random() < 0.5 else 0)))
            elif isinstance(x, dict):
                out.append(f"{pad}{ks}: {{}}")
            elif isinstance(x, list):
                out.append(f"{pad}{ks}: []")
            else:
                out.append(f"{pad}{ks}: {scalar(r, x, indent)}")
        return out
    if isinstance(v, list):
        for x in v:
            if isinstance(x, dict) and x:
                sub = emit(r, x, indent + 1)
                out.append(pad + "- " + sub[0].lstrip())
                out.extend(sub[1:])
            elif isinstance(x, list) and x:
                sub = emit(r, x, indent + 1)
                out.append(pad + "- " + sub[0].lstrip())
                out.extend(sub[1:])
            elif isinstance(x, dict):
                out.append(pad + "- {}")
            elif isinstance(x, list):
                out.append(pad + "- []")
            else:
                out.append(pad + "- " + scalar(r, x, indent))
        return out
    return [pad + scalar(r, v, indent)]


def yaml_doc(r, v):
    return "\n".join(emit(r, v)) + "\n"


# ---------------------------------------------------------------- resources

CM_NAMES = ["cfg", "env-cfg", "app-config"]
SEC_NAMES = ["sec", "tls-sec", "pull"]
IMAGES = ["nginx", "nginx:1.19", "busybox", "docker.io/library/redis:6", "gcr.io/p/app:v1",
          "nginx@sha256:" + "a" * 64, "registry:5000/team/tool:1.2"]


def labels(r, n=None):
    n = r.randint(0, 3) if n is None else n
    d = {"app": "web"} if r.random() < 0.7 else {}
    for _ in range(n):
        d[r.choice(["tier", "team", "env", "version", "x.io/part"])] = rnd_str(r, 0.3)
    return d


def meta(r, name, ns_p=0.2):
    m = {"name": name}
    if r.random() < ns_p:
        m["namespace"] = r.choice(["default", "other", "team-a"])
    if r.random() < 0.5:
        m["labels"] = labels(r)
    if r.random() < 0.3:
        m["annotations"] = {r.choice(["note", "a.io/x", "desc"]): rnd_str(r, 0.6)}
    return m


def container(r, i):
    c = {"name": ["app", "sidecar", "init"][i % 3] + ("" if i < 3 else str(i)),
         "image": r.choice(IMAGES)}
    if r.random() < 0.4:
        c["args"] = [rnd_str(r, 0.5) for _ in range(r.randint(1, 3))]
    if r.random() < 0.5:
        c["ports"] = [{"containerPort": r.choice([80, 8080, 9090]), "name": r.choice(["http", "metrics"])}]
        if r.random() < 0.3:
            c["ports"][0]["protocol"] = "TCP"
    if r.random() < 0.6:
        env = []
        for j in range(r.randint(1, 3)):
            k = r.random()
            if k < 0.4:
                env.append({"name": f"E{j}", "value": rnd_str(r, 0.6)})
            elif k < 0.7:
                env.append({"name": f"E{j}", "valueFrom": {"configMapKeyRef": {"name": r.choice(CM_NAMES), "key": "k"}}})
            else:
                env.append({"name": f"E{j}", "valueFrom": {"secretKeyRef": {"name": r.choice(SEC_NAMES), "key": "k"}}})
        c["env"] = env
    if r.random() < 0.5:
        ef = []
        if r.random() < 0.7:
            ef.append({"configMapRef": {"name": r.choice(CM_NAMES)}})
        if r.random() < 0.5:
            ef.append({"secretRef": {"name": r.choice(SEC_NAMES)}, **({"prefix": "S_"} if r.random() < 0.3 else {})})
        if ef:
            c["envFrom"] = ef
    if r.random() < 0.4:
        c["volumeMounts"] = [{"name": "v0", "mountPath": "/etc/v0"}]
    if r.random() < 0.3:
        c["resources"] = {"limits": {"cpu": r.choice(["100m", "1", 0.5, "2"]), "memory": "128Mi"}}
    return c


def volumes(r):
    vs = []
    for i in range(r.randint(0, 4)):
        k = r.choice(["cm", "sec", "pvc", "proj", "empty"])
        v = {"name": f"v{i}"}
        if k == "cm":
            v["configMap"] = {"name": r.choice(CM_NAMES)}
            if r.random() < 0.3:
                v["configMap"]["defaultMode"] = r.choice([420, 493, 0o644])
        elif k == "sec":
            v["secret"] = {"secretName": r.choice(SEC_NAMES)}
        elif k == "pvc":
            v["persistentVolumeClaim"] = {"claimName": "data"}
        elif k == "proj":
            v["projected"] = {"sources": [{"configMap": {"name": r.choice(CM_NAMES)}},
                                          {"secret": {"name": r.choice(SEC_NAMES)}}]}
        else:
            v["emptyDir"] = {}
        vs.append(v)
    return vs


def pod_spec(r):
    s = {"containers": [container(r, i) for i in range(r.randint(1, 2))]}
    if r.random() < 0.3:
        s["initContainers"] = [container(r, 2)]
    vs = volumes(r)
    if vs:
        s["volumes"] = vs
    if r.random() < 0.4:
        s["imagePullSecrets"] = [{"name": r.choice(SEC_NAMES)}]
    if r.random() < 0.5:
        s["serviceAccountName"] = "runner"
    if r.random() < 0.2:
        s["affinity"] = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                                "labelSelector": {"matchLabels": {"app": "web"}}}}]}}
    return s


def template(r):
    t = {"spec": pod_spec(r)}
    if r.random() < 0.8:
        t = {"metadata": {"labels": {"app": "web"}}, **t}
    return t


def workload(r, kind, name):
    if kind == "Deployment":
        spec = {"selector": {"matchLabels": {"app": "web"}}, "template": template(r)}
        if r.random() < 0.6:
            spec = {"replicas": r.randint(0, 5), **spec}
        return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta(r, name), "spec": spec}
    if kind == "StatefulSet":
        spec = {"serviceName": "web", "selector": {"matchLabels": {"app": "web"}}, "template": template(r)}
        if r.random() < 0.5:
            spec["volumeClaimTemplates"] = [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]
        if r.random() < 0.5:
            spec["replicas"] = 2
        return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta(r, name), "spec": spec}
    if kind == "DaemonSet":
        return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta(r, name),
                "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template(r)}}
    if kind == "Job":
        t = template(r)
        t["spec"]["restartPolicy"] = "Never"
        return {"apiVersion": "batch/v1", "kind": kind, "metadata": meta(r, name), "spec": {"template": t}}
    t = template(r)
    t["spec"]["restartPolicy"] = "OnFailure"
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta(r, name),
            "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": t}}}}


def other(r, kind):
    if kind == "Service":
        spec = {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": r.choice([8080, "http"])}]}
        if r.random() < 0.3:
            spec["ports"].append({"port": 443, "name": "https", "protocol": "TCP"})
            spec["ports"][0]["name"] = "http"
        if r.random() < 0.2:
            spec["type"] = "ClusterIP"
        return {"apiVersion": "v1", "kind": kind, "metadata": meta(r, "web"), "spec": spec}
    if kind == "ConfigMap":
        name = r.choice(CM_NAMES)
        return {"apiVersion": "v1", "kind": kind, "metadata": meta(r, name),
                "data": {f"k{i}" if i else "k": rnd_str(r, 0.6) for i in range(r.randint(1, 4))}}
    if kind == "Secret":
        d = {"apiVersion": "v1", "kind": kind, "metadata": meta(r, r.choice(SEC_NAMES))}
        if r.random() < 0.5:
            d["type"] = "Opaque"
        d["stringData" if r.random() < 0.5 else "data"] = {"k": "dmFsdWU="}
        return d
    if kind == "ServiceAccount":
        return {"apiVersion": "v1", "kind": kind, "metadata": meta(r, "runner")}
    if kind == "PersistentVolumeClaim":
        return {"apiVersion": "v1", "kind": kind, "metadata": meta(r, "data"),
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}
    if kind == "HorizontalPodAutoscaler":
        return {"apiVersion": "autoscaling/v2", "kind": kind, "metadata": meta(r, "web"),
                "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                         "minReplicas": 1, "maxReplicas": 5,
                         "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]}}
    if kind == "PodDisruptionBudget":
        return {"apiVersion": "policy/v1", "kind": kind, "metadata": meta(r, "web"),
                "spec": {"minAvailable": r.choice([1, "50%"]), "selector": {"matchLabels": {"app": "web"}}}}
    if kind == "Ingress":
        return {"apiVersion": "networking.k8s.io/v1", "kind": kind, "metadata": meta(r, "web"),
                "spec": {"tls": [{"hosts": ["a.example.com"], "secretName": r.choice(SEC_NAMES)}],
                         "rules": [{"host": "a.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                                   "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}
    if kind == "RoleBinding":
        return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta(r, "rb"),
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
                "subjects": [{"kind": "ServiceAccount", "name": r.choice(["runner", "default"]),
                              **({"namespace": r.choice(["other", "default"])} if r.random() < 0.4 else {})}]}
    if kind == "Role":
        return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta(r, "reader"),
                "rules": [{"apiGroups": [""], "resources": ["configmaps"], "resourceNames": [r.choice(CM_NAMES)], "verbs": ["get"]}]}
    if kind == "NetworkPolicy":
        return {"apiVersion": "networking.k8s.io/v1", "kind": kind, "metadata": meta(r, "np"),
                "spec": {"podSelector": r.choice([{}, {"matchLabels": {"app": "web"}}]),
                         "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}]}],
                         "policyTypes": ["Ingress"]}}
    if kind == "Namespace":
        return {"apiVersion": "v1", "kind": kind, "metadata": {"name": "ns1"}}
    # CRD instance
    return {"apiVersion": "example.dev/v1", "kind": "Widget", "metadata": meta(r, "w"),
            "spec": {"replicas": 1, "image": r.choice(IMAGES), "configMapName": r.choice(CM_NAMES),
                     "items": [{"name": "a", "v": rnd_str(r)}, {"name": "b", "v": 2}],
                     "template": {"metadata": {"labels": {"app": "web"}}}}}


# `labels[].fields` entries an overlay might use.
LABEL_FIELDS = [
    {"path": "spec/template/metadata/labels", "kind": "Deployment", "create": True},
    {"path": "spec/selector/matchLabels", "kind": "Deployment", "create": True},
    {"path": "spec/podSelector/matchLabels", "kind": "NetworkPolicy", "create": True},
    {"path": "spec/selector/matchLabels", "kind": "PodDisruptionBudget"},
    {"path": "spec/selector", "kind": "Service", "version": "v1", "create": True},
    {"path": "spec/jobTemplate/spec/template/metadata/labels", "kind": "CronJob", "create": True},
    {"path": "spec/volumeClaimTemplates[]/metadata/labels", "kind": "StatefulSet", "create": True},
    {"path": "spec/template/metadata/labels", "group": "apps", "kind": "StatefulSet", "create": True},
    {"path": "spec/template/metadata/labels", "group": "apps", "kind": "StatefulSet"},  # conflicts
    {"path": "metadata/annotations", "kind": "ConfigMap", "create": True},
]
# Name changes applied so far (outer levels prepend / append to these).
RENAME = {"prefix": "", "suffix": ""}

WORKLOADS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]
OTHERS = ["Service", "ConfigMap", "Secret", "ServiceAccount", "PersistentVolumeClaim",
          "HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress", "RoleBinding", "Role",
          "NetworkPolicy", "Namespace", "Widget"]


def make_resources(r):
    docs, seen = [], set()
    for _ in range(r.randint(2, 7)):
        if r.random() < 0.45:
            kind = r.choice(WORKLOADS)
            name = r.choice(["web", "web", "worker"])
            d = workload(r, kind, name)
        else:
            d = other(r, r.choice(OTHERS))
        key = (d["kind"], d["metadata"]["name"])
        if key in seen:
            continue
        seen.add(key)
        docs.append(d)
    return docs


# ---------------------------------------------------------------- kustomization features

def gen_literal(r, used=None):
    keys = ["A", "B", "key", "k", "port", "LOG_LEVEL", "x.y", "Z_1"]
    k = r.choice(keys)
    if used is not None:
        if r.random() < 0.97:
            k = r.choice([x for x in keys if x not in used] or ["K" + str(len(used))])
        used.add(k)
    v = rnd_str(r, 0.6).replace("\n", " ")
    return f"{k}={v}"


def generator(r, d, kind, names, created):
    g = {"name": r.choice(names)}
    used = set()
    beh = "create"
    if g["name"] in created and r.random() < 0.8:
        beh = r.choice(["merge", "replace"])
        if created[g["name"]]:
            g["namespace"] = created[g["name"]]
    elif r.random() < 0.03:
        beh = r.choice(["merge", "replace"])  # usually an error
    if beh != "create" or r.random() < 0.2:
        g["behavior"] = beh
    if r.random() < 0.7:
        g["literals"] = [gen_literal(r, used) for _ in range(r.randint(1, 3))]
    if r.random() < 0.4:
        fn = f"file{r.randint(0, 99)}.txt"
        write(d, fn, rnd_str(r, 0.7) + ("\n" if r.random() < 0.5 else ""))
        key = r.choice(['f', 'cfg.json', 'x_y'])
        g["files"] = [fn if r.random() < 0.5 else f"{key}={fn}"]
        used.add(key)
    if r.random() < 0.3:
        fn = f"vars{r.randint(0, 99)}.env"
        lines = ["# comment", ""] if r.random() < 0.4 else []
        lines += [gen_literal(r, used) for _ in range(r.randint(1, 3))]
        write(d, fn, "\n".join(lines) + "\n")
        g["envs"] = [fn]
    if not any(k in g for k in ("literals", "files", "envs")):
        g["literals"] = ["A=1"]
    if kind == "secret" and r.random() < 0.3:
        g["type"] = r.choice(["Opaque", "kubernetes.io/tls-x"])
    elif kind == "secret" and beh == "create" and r.random() < 0.2:
        write(d, "tls.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        write(d, "server.key", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n")
        g["type"] = "kubernetes.io/tls"
        g["files"] = [r.choice(["tls.crt", "tls.crt=tls.crt"]), "tls.key=server.key"]
        g.pop("literals", None)
        g.pop("envs", None)
    if r.random() < 0.2:
        g["options"] = {"labels": {"gen": rnd_str(r)}}
        if r.random() < 0.4:
            g["options"]["disableNameSuffixHash"] = True
    if "namespace" not in g and r.random() < 0.1:
        g["namespace"] = "other"
    created.setdefault(g["name"], g.get("namespace", ""))
    return g


def smp_patch(r, docs):
    """A strategic-merge patch document for one of docs."""
    d = r.choice(docs)
    p = {"apiVersion": d["apiVersion"], "kind": d["kind"], "metadata": {"name": d["metadata"]["name"]}}
    if "namespace" in d["metadata"] and r.random() < 0.7:
        p["metadata"]["namespace"] = d["metadata"]["namespace"]
    k = d["kind"]
    if r.random() < 0.3:
        p["metadata"]["labels"] = {"patched": rnd_str(r)}
    if r.random() < 0.15:
        p["metadata"]["labels"] = {"app": None}
    if k in WORKLOADS:
        spec = d["spec"]["jobTemplate"]["spec"]["template"]["spec"] if k == "CronJob" else d["spec"]["template"]["spec"]
        c0 = spec["containers"][0]["name"]
        ps = {}
        choice = r.random()
        cont = {"name": c0}
        if choice < 0.3:
            cont["image"] = r.choice(IMAGES)
        elif choice < 0.5:
            cont["env"] = [{"name": r.choice(["E0", "NEW"]), "value": rnd_str(r, 0.6)}]
        elif choice < 0.6:
            cont["env"] = [{"name": "E0", "$patch": "delete"}]
        elif choice < 0.7:
            cont["ports"] = [{"containerPort": 9999, "name": "extra"}]
        elif choice < 0.8:
            cont["args"] = None
        else:
            cont = {"name": "added", "image": "busybox"}
        ps["containers"] = [cont]
        if r.random() < 0.3:
            ps["volumes"] = r.choice([[{"name": "v0", "$patch": "delete"}],
                                      [{"name": "vnew", "configMap": {"name": r.choice(CM_NAMES)}}],
                                      [{"name": "v0", "secret": {"secretName": r.choice(SEC_NAMES)}}]])
        if r.random() < 0.15:
            ps["$patch"] = "replace"
            ps["containers"] = [{"name": "only", "image": "busybox"}]
        if r.random() < 0.2:
            ps["serviceAccountName"] = r.choice(["runner", None])
        tmpl = {"spec": ps}
        if r.random() < 0.3:
            tmpl["metadata"] = {"annotations": {"rolled": rnd_str(r, 0.5)}}
        if k == "CronJob":
            p["spec"] = {"jobTemplate": {"spec": {"template": tmpl}}}
        else:
            p["spec"] = {"template": tmpl}
            if k in ("Deployment", "StatefulSet") and r.random() < 0.4:
                p["spec"]["replicas"] = r.randint(0, 9)
    elif k == "Service":
        p["spec"] = {"ports": [{"port": r.choice([80, 8443]), "targetPort": r.choice([8081, "web"])}]}
        if r.random() < 0.3:
            p["spec"]["ports"][0]["protocol"] = r.choice(["TCP", "UDP"])
    elif k == "ConfigMap":
        p["data"] = {r.choice(["k", "new"]): r.choice([rnd_str(r, 0.7), None])}
    elif k == "Widget":
        p["spec"] = {"items": [{"name": "c", "v": rnd_str(r)}], "extra": rnd_str(r)}
    elif k == "HorizontalPodAutoscaler":
        p["spec"] = {"maxReplicas": r.randint(5, 20), "metrics": [{"type": "Pods"}]}
    elif k == "Ingress":
        p["spec"] = {"tls": [{"hosts": ["b.example.com"], "secretName": r.choice(SEC_NAMES)}]}
    else:
        p["metadata"]["annotations"] = {"patched": rnd_str(r, 0.6)}
    if r.random() < 0.05:
        p = {"$patch": "delete", "apiVersion": p["apiVersion"], "kind": k, "metadata": p["metadata"]}
    return d, p


def json_ops(r, d):
    k = d["kind"]
    ops = []
    for _ in range(r.randint(1, 3)):
        c = r.random()
        if c < 0.25:
            where = "labels" if "labels" in d["metadata"] else "annotations"
            if where == "annotations" and "annotations" not in d["metadata"]:
                ops.append({"op": "add", "path": "/metadata/annotations", "value": {}})
            ops.append({"op": "add", "path": f"/metadata/{where}/" + r.choice(["j", "a~1b", "x.io~1y"]),
                        "value": rnd_str(r)})
        elif c < 0.4:
            ops.append({"op": "add", "path": "/metadata/annotations", "value": {"ja": rnd_str(r, 0.6)}})
        elif c < 0.55 and k in ("Deployment", "StatefulSet"):
            ops.append({"op": r.choice(["add", "replace"]), "path": "/spec/replicas", "value": r.randint(0, 7)})
        elif c < 0.7 and k in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            ops.append({"op": r.choice(["add", "replace"]),
                        "path": "/spec/template/spec/containers/0/image", "value": r.choice(IMAGES)})
        elif c < 0.8 and k in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            ops.append({"op": "add", "path": "/spec/template/spec/containers/-",
                        "value": {"name": "j" + str(r.randint(0, 9)), "image": "busybox"}})
        elif c < 0.85 and "labels" in d["metadata"] and r.random() < 0.3:
            ops.append({"op": "remove", "path": "/metadata/labels"})
        elif c < 0.9:
            ops.append({"op": "test", "path": "/kind", "value": k})
        elif c < 0.95:
            ops.append({"op": "copy", "from": "/metadata/name", "path": "/metadata/annotations~1x"})
        else:
            ops.append({"op": "replace", "path": "/metadata/name", "value": d["metadata"]["name"] + "-renamed"})
    return ops


def target(r, d):
    t = {}
    c = r.random()
    if c < 0.5:
        t["kind"] = d["kind"]
        if r.random() < 0.6:
            t["name"] = d["metadata"]["name"]
        if r.random() < 0.2:
            t["group"] = d["apiVersion"].split("/")[0] if "/" in d["apiVersion"] else ""
        if r.random() < 0.2:
            t["version"] = d["apiVersion"].split("/")[-1]
    elif c < 0.65:
        t["name"] = r.choice([".*", "w.*", "web|cfg", d["metadata"]["name"]])
        if r.random() < 0.5:
            t["kind"] = r.choice(["Deployment|StatefulSet", d["kind"], ".*Set"])
    elif c < 0.8:
        t["labelSelector"] = r.choice(["app=web", "app", "app!=web", "app in (web,x)", "tier"])
    elif c < 0.9:
        t["annotationSelector"] = r.choice(["note", "desc", "a.io/x"])
    else:
        t["kind"] = d["kind"]
        t["namespace"] = r.choice(["default", "other", ""])
    return t


def patches_block(r, d, k, docs):
    pl = []
    for _ in range(r.randint(1, 3)):
        c = r.random()
        if c < 0.4:
            tgt_doc, p = smp_patch(r, docs)
            text = yaml_doc(r, p)
            e = {}
            if r.random() < 0.5:
                fn = f"smp{r.randint(0, 999)}.yaml"
                write(d, fn, text)
                e["path"] = fn
            else:
                e["patch"] = text
            if r.random() < 0.3:
                e["target"] = target(r, tgt_doc)
            pl.append(e)
        else:
            tgt_doc = r.choice(docs)
            ops = json_ops(r, tgt_doc)
            e = {"target": target(r, tgt_doc)}
            if r.random() < 0.4:
                fn = f"j{r.randint(0, 999)}." + r.choice(["yaml", "json"])
                write(d, fn, json.dumps(ops, indent=2) if fn.endswith("json") else yaml_doc(r, ops))
                e["path"] = fn
            else:
                e["patch"] = yaml_doc(r, ops) if r.random() < 0.7 else json.dumps(ops)
            pl.append(e)
    k["patches"] = pl
    if r.random() < 0.25:
        psm = []
        for i in range(r.randint(1, 2)):
            _, p = smp_patch(r, docs)
            if r.random() < 0.5:
                fn = f"psm{i}.yaml"
                write(d, fn, yaml_doc(r, p))
                psm.append(fn)
            else:
                psm.append(yaml_doc(r, p))
        k["patchesStrategicMerge"] = psm
    if r.random() < 0.2:
        tgt_doc = r.choice(docs)
        fn = "pj.yaml"
        write(d, fn, yaml_doc(r, json_ops(r, tgt_doc)))
        t = {"kind": tgt_doc["kind"], "name": tgt_doc["metadata"]["name"],
             "version": tgt_doc["apiVersion"].split("/")[-1]}
        if "/" in tgt_doc["apiVersion"]:
            t["group"] = tgt_doc["apiVersion"].split("/")[0]
        k["patchesJson6902"] = [{"target": t, "path": fn}]


def features(r, d, k, docs, created, level):
    if r.random() < 0.35:
        k["namespace"] = r.choice(["prod", "team-a", "default", "other"])
    if r.random() < 0.4:
        k["namePrefix"] = r.choice(["p-", "o-", "x", level + "-"])
    if r.random() < 0.3:
        k["nameSuffix"] = r.choice(["-s", "-v2", "-" + level])
    if r.random() < 0.35:
        ls = []
        for _ in range(r.randint(1, 2)):
            e = {"pairs": {r.choice(["team", "env", "tier", "app.kubernetes.io/name"]): rnd_str(r, 0.5)}}
            if r.random() < 0.4:
                e["includeSelectors"] = r.random() < 0.7
            if r.random() < 0.4:
                e["includeTemplates"] = r.random() < 0.8
            if r.random() < 0.25:
                e["fields"] = r.sample(LABEL_FIELDS, r.randint(1, 2))
            ls.append(e)
        k["labels"] = ls
    if r.random() < 0.25:
        k["commonLabels"] = {r.choice(["env", "owner", "tier"]): rnd_str(r, 0.5)}
    if r.random() < 0.35:
        k["commonAnnotations"] = {r.choice(["note", "owner", "a.io/b"]): rnd_str(r, 0.7)
                                  for _ in range(r.randint(1, 2))}
    if r.random() < 0.35:
        ims = []
        for _ in range(r.randint(1, 2)):
            e = {"name": r.choice(["nginx", "busybox", "docker.io/library/redis", "gcr.io/p/app",
                                   "registry:5000/team/tool"])}
            c = r.random()
            if c < 0.4:
                e["newTag"] = r.choice(["1.25", "latest", "v2-alpine", "0755"])
            elif c < 0.6:
                e["newName"] = r.choice(["my.reg/nginx", "quay.io/x/y"])
                if r.random() < 0.5:
                    e["newTag"] = "2"
            elif c < 0.8:
                e["digest"] = "sha256:" + "b" * 64
            elif c < 0.9:
                e["newName"] = "mirror/busy"
                e["digest"] = "sha256:" + "c" * 64
            else:
                e["newTag"] = "3"
                e["digest"] = "sha256:" + "d" * 64
            ims.append(e)
        k["images"] = ims
    names = [x["metadata"]["name"] for x in docs if x["kind"] in ("Deployment", "StatefulSet")]
    if r.random() < 0.3 and names:
        n = r.choice(names)
        if r.random() < 0.5:
            n = RENAME["prefix"] + n + RENAME["suffix"]
        k["replicas"] = [{"name": n, "count": r.randint(0, 9)}]
    if r.random() < 0.4:
        k["configMapGenerator"] = [generator(r, d, "cm", CM_NAMES, created) for _ in range(r.randint(1, 2))]
    if r.random() < 0.3:
        k["secretGenerator"] = [generator(r, d, "secret", SEC_NAMES, created) for _ in range(r.randint(1, 2))]
    if r.random() < 0.2:
        go = {}
        if r.random() < 0.5:
            go["disableNameSuffixHash"] = True
        if r.random() < 0.5:
            go["labels"] = {"gl": rnd_str(r, 0.4)}
        if r.random() < 0.4:
            go["annotations"] = {"ga": rnd_str(r, 0.6)}
        if r.random() < 0.3:
            go["immutable"] = True
        k["generatorOptions"] = go
    if r.random() < 0.6 and docs:
        patches_block(r, d, k, docs)
    if r.random() < 0.15 and any(x["kind"] == "Deployment" for x in docs):
        dep = r.choice([x for x in docs if x["kind"] == "Deployment"])
        t = {"group": "apps", "version": "v1", "kind": "Deployment"}
        if r.random() < 0.5:
            t["name"] = dep["metadata"]["name"]
        e = {"target": t, "patch": yaml_doc(r, json_ops(r, dep))}
        k.setdefault("patches", []).append(e)
    newer_features(r, d, k, docs, level)
    RENAME["prefix"] = k.get("namePrefix", "") + RENAME["prefix"]
    RENAME["suffix"] = RENAME["suffix"] + k.get("nameSuffix", "")
    if "namespace" in k:
        for name in created:
            created[name] = k["namespace"]


def newer_features(r, d, k, docs, level):
    """replacements, vars, builtin plugin configs, configurations."""
    if r.random() < 0.25 and docs:
        src = r.choice(docs)
        source = {"kind": src["kind"], "name": src["metadata"]["name"]}
        if r.random() < 0.5:
            source["fieldPath"] = r.choice(["metadata.name", "metadata.labels.app", "kind"])
        if r.random() < 0.2:
            source["options"] = {"delimiter": "-", "index": r.randint(0, 1)}
        tgt = r.choice(docs)
        t = {"select": {"kind": tgt["kind"]},
             "fieldPaths": [r.choice(["metadata.annotations.copied", "metadata.labels.copied",
                                      "spec.template.metadata.annotations.copied", "metadata.name"])]}
        if r.random() < 0.6:
            t["options"] = {"create": r.random() < 0.8}
            if r.random() < 0.3:
                t["options"]["delimiter"] = "."
                t["options"]["index"] = r.randint(0, 2)
        if r.random() < 0.2:
            t["reject"] = [{"name": tgt["metadata"]["name"]}]
        k["replacements"] = [{"source": source, "targets": [t]}]
    if r.random() < 0.15 and docs:
        src = r.choice(docs)
        var = {"name": "V" + level.upper(), "objref": {"kind": src["kind"], "name": src["metadata"]["name"],
                                                        "apiVersion": src["apiVersion"]}}
        if r.random() < 0.4:
            var["fieldref"] = {"fieldpath": r.choice(["metadata.name", "metadata.labels.app", "apiVersion"])}
        k["vars"] = [var]
        k.setdefault("commonAnnotations", {})["uses-var"] = "$(V" + level.upper() + ")/x"
    if r.random() < 0.15:
        cfgs = []
        c = r.random()
        if c < 0.35:
            cfgs.append({"apiVersion": "builtin", "kind": "LabelTransformer", "metadata": {"name": "l"},
                         "labels": {"plugin": rnd_str(r, 0.3)},
                         "fieldSpecs": [{"path": "metadata/labels", "create": True}]})
        elif c < 0.6:
            cfgs.append({"apiVersion": "builtin", "kind": "PrefixSuffixTransformer", "metadata": {"name": "p"},
                         "prefix": "t-", "fieldSpecs": [{"path": "metadata/name"}]})
        elif c < 0.8:
            cfgs.append({"apiVersion": "builtin", "kind": "AnnotationsTransformer", "metadata": {"name": "a"},
                         "annotations": {"plugin": rnd_str(r, 0.5)},
                         "fieldSpecs": [{"path": "metadata/annotations", "create": True}]})
        else:
            cfgs.append({"apiVersion": "builtin", "kind": "NamespaceTransformer",
                         "metadata": {"name": "n", "namespace": "plugin-ns"},
                         "fieldSpecs": [{"path": "metadata/namespace", "create": True}]})
        write(d, "plugins.yaml", "---\n".join(yaml_doc(r, x) for x in cfgs))
        k["transformers"] = ["plugins.yaml"]
    if r.random() < 0.1:
        write(d, "kcfg.yaml", yaml_doc(r, {"commonLabels": [{"path": "spec/extra/labels", "kind": "Service", "create": True}],
                                           "nameReference": [{"kind": "ConfigMap", "fieldSpecs": [{"path": "metadata/annotations/cm", "kind": "Service"}]}]}))
        k["configurations"] = ["kcfg.yaml"]


def write(d, fn, text):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, fn), "w", encoding="utf-8") as f:
        f.write(text)


def main():
    seed, out = int(sys.argv[1]), sys.argv[2]
    r = random.Random(seed)
    base = os.path.join(out, "base")
    docs = make_resources(r)
    created = {x["metadata"]["name"]: x["metadata"].get("namespace", "")
               for x in docs if x["kind"] in ("ConfigMap", "Secret")}
    # split docs over files, some multi-doc
    files, i = [], 0
    while i < len(docs):
        n = r.randint(1, 3)
        chunk = docs[i:i + n]
        i += n
        fn = f"res{len(files)}.yaml"
        text = "---\n".join(yaml_doc(r, x) for x in chunk)
        if r.random() < 0.2:
            text = "---\n" + text
        write(base, fn, text)
        files.append(fn)
    bk = {"resources": files}
    if r.random() < 0.7:
        features(r, base, bk, docs, created, "b")
    write(base, "kustomization.yaml", yaml_doc(r, bk))
    top = base
    if r.random() < 0.3:
        mid = os.path.join(out, "mid")
        mk = {"resources": ["../base"]}
        if r.random() < 0.3:
            extra = [other(r, r.choice(["ConfigMap", "Service", "ServiceAccount"]))]
            if (extra[0]["kind"], extra[0]["metadata"]["name"]) not in {(x["kind"], x["metadata"]["name"]) for x in docs}:
                write(mid, "extra.yaml", yaml_doc(r, extra[0]))
                mk["resources"].append("extra.yaml")
                docs = docs + extra
        features(r, mid, mk, docs, created, "m")
        write(mid, "kustomization.yaml", yaml_doc(r, mk))
        top = mid
    if r.random() < 0.8:
        ov = os.path.join(out, "overlay")
        ok = {"resources": ["../" + os.path.basename(top)]}
        if r.random() < 0.4:
            comp = os.path.join(out, "comp")
            ck = {"apiVersion": "kustomize.config.k8s.io/v1alpha1", "kind": "Component"}
            if r.random() < 0.4:
                extra = other(r, r.choice(["NetworkPolicy", "PodDisruptionBudget", "ServiceAccount"]))
                if (extra["kind"], extra["metadata"]["name"]) not in {(x["kind"], x["metadata"]["name"]) for x in docs}:
                    write(comp, "comp-res.yaml", yaml_doc(r, extra))
                    ck["resources"] = ["comp-res.yaml"]
                    docs = docs + [extra]
            features(r, comp, ck, docs, created, "c")
            write(comp, "kustomization.yaml", yaml_doc(r, ck))
            ok["components"] = ["../comp"]
        features(r, ov, ok, docs, created, "o")
        if r.random() < 0.15:
            ok["buildMetadata"] = r.sample(["managedByLabel", "originAnnotations"], r.randint(1, 2))
        if r.random() < 0.2:
            ok["sortOptions"] = {"order": "fifo"}
        write(ov, "kustomization.yaml", yaml_doc(r, ok))
        top = ov
    print(top)


if __name__ == "__main__":
    main()
