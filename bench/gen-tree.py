#!/usr/bin/env python3
"""Generate a kustomize tree whose `overlay/` builds to about N resources.

Usage: gen-tree.py N OUT_DIR [chunked|per-file]

The `per-file` layout puts one app (a ConfigMap, a Deployment and a Service) in each base
file, so the base lists about N/3 files: the layout that made duplicate-id checks
quadratic. The default (`chunked`) is described below.

Layout (OUT_DIR/overlay is what gets built):

  base/kustomization.yaml      resources: common/ (a nested base) and the files below
  base/common/                 nested base: shared ConfigMap, Secret, ServiceAccount, its own labels
  base/configmaps-NNN.yaml     per-app ConfigMaps        } split in files of at most
  base/serviceaccounts-NNN.yaml per-app ServiceAccounts  } CHUNK documents each
  base/deployments-NNN.yaml    per-app Deployments (containers, env, envFrom, volumes)
  base/services-NNN.yaml       per-app Services
  base/autoscaling-NNN.yaml    HorizontalPodAutoscalers (every other app) -> Deployment
  base/disruption-NNN.yaml     PodDisruptionBudgets (every third app)
  overlay/kustomization.yaml   namespace, namePrefix, nameSuffix, labels (includeSelectors),
                               commonAnnotations, configMapGenerator, secretGenerator
                               (literals and files), images (newTag), patches: strategic-merge
                               by name (files), by name regex, by labelSelector, and a JSON6902
                               patch with a target

Every Deployment refers to the generated ConfigMaps/Secrets (env valueFrom, envFrom, volumes),
so the build has to rewrite those names to the prefixed, suffixed, hash-suffixed ones.
N counts output documents; the exact count is whatever the build prints (it is close to N).
Python 3.11 standard library only; the output depends only on N.
"""

from __future__ import annotations

import os
import sys

CHUNK = 200  # documents per base file
FIXED = 7  # 3 in the nested base + 4 generated in the overlay
TIERS = ("frontend", "backend", "worker")


def app_resources(i: int) -> list[str]:
    """Kinds for app i, in the order they are cut when the budget runs out."""
    kinds = ["ConfigMap", "ServiceAccount", "Deployment", "Service"]
    if i % 2 == 0:
        kinds.append("HorizontalPodAutoscaler")
    if i % 3 == 0:
        kinds.append("PodDisruptionBudget")
    return kinds


def configmap(i: int) -> str:
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: app-{i}-config
  labels:
    app: app-{i}
data:
  LOG_LEVEL: info
  HTTP_PORT: "8080"
  FEATURE_FLAGS: "search,checkout"
  CACHE_TTL_SECONDS: "300"
  application.yaml: |
    server:
      port: 8080
    upstream: http://app-{(i + 1)}:8080
"""


def serviceaccount(i: int) -> str:
    return f"""apiVersion: v1
kind: ServiceAccount
metadata:
  name: app-{i}
  labels:
    app: app-{i}
automountServiceAccountToken: false
"""


def deployment(i: int, has_hpa: bool) -> str:
    tier = TIERS[i % len(TIERS)]
    replicas = "" if has_hpa else f"  replicas: {1 + i % 3}\n"
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  labels:
    app: app-{i}
    tier: {tier}
spec:
{replicas}  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
        tier: {tier}
    spec:
      serviceAccountName: app-{i}
      containers:
      - name: app
        image: registry.example.com/shop/app:1.0.0
        ports:
        - name: http
          containerPort: 8080
        env:
        - name: APP_NAME
          value: app-{i}
        - name: APP_INDEX
          value: "{i}"
        - name: REGION
          valueFrom:
            configMapKeyRef:
              name: platform-env
              key: REGION
        - name: API_TOKEN
          valueFrom:
            secretKeyRef:
              name: platform-token
              key: token
        envFrom:
        - configMapRef:
            name: app-{i}-config
        - secretRef:
            name: shared-credentials
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            memory: 256Mi
        volumeMounts:
        - name: settings
          mountPath: /etc/app
        - name: tls
          mountPath: /etc/tls
          readOnly: true
        - name: shared
          mountPath: /etc/shared
      - name: proxy
        image: docker.io/library/nginx:1.27
        ports:
        - name: proxy
          containerPort: 8443
      volumes:
      - name: settings
        configMap:
          name: platform-files
      - name: tls
        secret:
          secretName: platform-tls
      - name: shared
        configMap:
          name: shared-settings
"""


def service(i: int) -> str:
    return f"""apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  labels:
    app: app-{i}
spec:
  selector:
    app: app-{i}
  ports:
  - name: http
    port: 80
    targetPort: http
"""


def hpa(i: int) -> str:
    return f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app-{i}
  labels:
    app: app-{i}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: app-{i}
  minReplicas: 2
  maxReplicas: {4 + i % 7}
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 70
"""


def pdb(i: int) -> str:
    return f"""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app-{i}
  labels:
    app: app-{i}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app: app-{i}
"""


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def plan(n: int) -> dict[str, list[str]]:
    """Documents per kind file-group for an output of about n resources."""
    budget = max(n - FIXED, 1)
    groups: dict[str, list[str]] = {
        "configmaps": [],
        "serviceaccounts": [],
        "deployments": [],
        "services": [],
        "autoscaling": [],
        "disruption": [],
    }
    i = 0
    while budget > 0:
        kinds = app_resources(i)[:budget]
        budget -= len(kinds)
        has_hpa = "HorizontalPodAutoscaler" in kinds
        for kind in kinds:
            if kind == "ConfigMap":
                groups["configmaps"].append(configmap(i))
            elif kind == "ServiceAccount":
                groups["serviceaccounts"].append(serviceaccount(i))
            elif kind == "Deployment":
                groups["deployments"].append(deployment(i, has_hpa))
            elif kind == "Service":
                groups["services"].append(service(i))
            elif kind == "HorizontalPodAutoscaler":
                groups["autoscaling"].append(hpa(i))
            else:
                groups["disruption"].append(pdb(i))
        i += 1
    return groups


def per_file_base(n: int, base: str) -> tuple[list[str], dict[str, list[str]]]:
    """One file per app, each a ConfigMap, a Deployment and a Service."""
    budget = max(n - FIXED, 1)
    files: list[str] = []
    deployments: list[str] = []
    i = 0
    while budget > 0:
        docs = [configmap(i), deployment(i, False), service(i)][:budget]
        budget -= len(docs)
        if len(docs) > 1:
            deployments.append(docs[1])
        name = f"apps/app-{i:05d}.yaml"
        write(os.path.join(base, name), "---\n".join(docs))
        files.append(name)
        i += 1
    return files, {"deployments": deployments}


def generate(n: int, out: str, layout: str = "chunked") -> None:
    base = os.path.join(out, "base")
    files: list[str] = []
    if layout == "per-file":
        files, groups = per_file_base(n, base)
    else:
        groups = plan(n)
        for group, docs in groups.items():
            for c in range(0, len(docs), CHUNK):
                name = f"{group}-{c // CHUNK:03d}.yaml"
                write(os.path.join(base, name), "---\n".join(docs[c : c + CHUNK]))
                files.append(name)

    write(
        os.path.join(base, "kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- common\n"
        + "".join(f"- {f}\n" for f in files),
    )

    common = os.path.join(base, "common")
    write(
        os.path.join(common, "kustomization.yaml"),
        """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
labels:
- pairs:
    component: shared
resources:
- shared.yaml
""",
    )
    write(
        os.path.join(common, "shared.yaml"),
        """apiVersion: v1
kind: ConfigMap
metadata:
  name: shared-settings
data:
  timezone: UTC
  retries: "3"
---
apiVersion: v1
kind: Secret
metadata:
  name: shared-credentials
type: Opaque
data:
  DB_USER: c2hvcA==
  DB_PASSWORD: czNjcjN0
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
""",
    )

    overlay = os.path.join(out, "overlay")
    write(os.path.join(overlay, "files", "app.properties"), "threads=8\nqueue.size=1024\n")
    write(os.path.join(overlay, "files", "routes.json"), '{"routes": ["/", "/api"]}\n')
    write(os.path.join(overlay, "files", "tls.crt"), "-----BEGIN CERTIFICATE-----\nMIIBbench\n-----END CERTIFICATE-----\n")
    write(os.path.join(overlay, "files", "tls.key"), "-----BEGIN PRIVATE KEY-----\nMIIEbench\n-----END PRIVATE KEY-----\n")

    # Strategic-merge patch files, each naming one Deployment (the first few apps).
    patch_files = []
    for i in range(min(3, len(groups["deployments"]))):
        name = f"patches/app-{i}-resources.yaml"
        write(
            os.path.join(overlay, name),
            f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
spec:
  template:
    spec:
      containers:
      - name: app
        resources:
          limits:
            cpu: "2"
            memory: 1Gi
""",
        )
        patch_files.append(name)

    write(
        os.path.join(overlay, "kustomization.yaml"),
        """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop-prod
namePrefix: prod-
nameSuffix: -v2
labels:
- pairs:
    env: production
    team: shop
  includeSelectors: true
commonAnnotations:
  owner: platform-team
  runbook: https://runbooks.example.com/shop
resources:
- ../base
configMapGenerator:
- name: platform-env
  literals:
  - REGION=westeurope
  - CLUSTER=aks-prod-1
  - LOG_FORMAT=json
- name: platform-files
  files:
  - files/app.properties
  - files/routes.json
secretGenerator:
- name: platform-tls
  type: kubernetes.io/tls
  files:
  - tls.crt=files/tls.crt
  - tls.key=files/tls.key
- name: platform-token
  literals:
  - token=s3cr3t-t0ken
images:
- name: registry.example.com/shop/app
  newTag: 1.4.2
- name: docker.io/library/nginx
  newTag: 1.27.3
patches:
"""
        + "".join(f"- path: {p}\n" for p in patch_files)
        + """- target:
    kind: Deployment
    name: app-1.*
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        metadata:
          annotations:
            prometheus.io/scrape: "true"
            prometheus.io/port: "8080"
- target:
    kind: Deployment
    labelSelector: tier=frontend
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        spec:
          tolerations:
          - key: dedicated
            operator: Equal
            value: frontend
            effect: NoSchedule
          nodeSelector:
            pool: frontend
- target:
    group: apps
    version: v1
    kind: Deployment
    name: app-2.*
  patch: |-
    - op: add
      path: /spec/template/spec/containers/0/args
      value: ["--cache=redis", "--verbose"]
    - op: replace
      path: /spec/template/spec/containers/0/ports/0/containerPort
      value: 9090
""",
    )


def main() -> int:
    if len(sys.argv) not in (3, 4) or (len(sys.argv) == 4 and sys.argv[3] not in ("chunked", "per-file")):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        n = int(sys.argv[1])
    except ValueError:
        print(f"gen-tree.py: N must be an integer, got {sys.argv[1]!r}", file=sys.stderr)
        return 2
    if n < 1:
        print("gen-tree.py: N must be at least 1", file=sys.stderr)
        return 2
    generate(n, sys.argv[2], sys.argv[3] if len(sys.argv) == 4 else "chunked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
