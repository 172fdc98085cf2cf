"""The sandbox's side of each API: ``<module>.py`` defines ``SANDBOX`` (a
``jobctl.sandbox.service.SandboxService``) for the API of the same module name in
``jobctl.registry``. ``jobctl.sandbox.catalog`` finds them through the registry.

These modules are the only place in the sandbox that names a service.
"""

# Services the sandbox serves that are no job list API of the registry: the Account API's
# ListRegions, which tells a client the regions the account has enabled; Organizations'
# ListAccounts and STS's AssumeRole and GetCallerIdentity, which let a client list the
# accounts of an organization and reach each of them.
EXTRA_MODULES: tuple[str, ...] = ("account", "organizations", "sts")
