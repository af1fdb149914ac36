//! StatefulSet manifests for tests: the seed's shape with knobs.

pub struct Sts<'a> {
    pub name: &'a str,
    pub replicas: i64,
    pub min_ready: i64,
    pub class: &'a str,
    /// extra spec lines (YAML at spec indentation), e.g. "podManagementPolicy: Parallel"
    pub extra: &'a str,
    pub image: &'a str,
}

impl Default for Sts<'_> {
    fn default() -> Self {
        Sts {
            name: "flask",
            replicas: 3,
            min_ready: 0,
            class: "local-path",
            extra: "",
            image: "han0495/flask-example-app",
        }
    }
}

impl Sts<'_> {
    /// Applies it in the cluster's test namespace and waits until every replica is Ready.
    pub fn deploy(&self, c: &crate::harness::Cluster, secs: u64) {
        c.apply(&self.yaml());
        c.wait_ready(self.name, self.replicas, secs);
    }

    /// Service (headless) + StatefulSet, as the seed lab's manifest.
    pub fn yaml(&self) -> String {
        let extra: String = self.extra.lines().map(|l| format!("  {l}\n")).collect();
        format!(
            "apiVersion: v1
kind: Service
metadata:
  name: {n}
  labels:
    app: {n}
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: {n}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {n}
spec:
  selector:
    matchLabels:
      app: {n}
  serviceName: {n}
  replicas: {r}
  minReadySeconds: {m}
{extra}  template:
    metadata:
      labels:
        app: {n}
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: app
        image: {img}
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/src/app/log
      initContainers:
      - name: init-dump-log
        image: busybox:1.28
        command: ['sh', '-c', 'echo $(hostname) >> /usr/src/app/log/dump.log']
        volumeMounts:
        - name: www
          mountPath: /usr/src/app/log
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ \"ReadWriteOnce\" ]
      storageClassName: {c}
      resources:
        requests:
          storage: 1Gi
",
            n = self.name,
            r = self.replicas,
            m = self.min_ready,
            c = self.class,
            img = self.image,
        )
    }
}
