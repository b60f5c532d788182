# torchrun's agent, as torchrun runs it: Debian's `torchrun` command (torch 1.13, Python 3.11)
# fails in its own option parsing, so the tests call its launcher API with the redirects and tee
# torchrun would pass. Usage: torch-agent.py NPROC MASTER_PORT MAX_RESTARTS PROGRAM [ARGS...]
import sys

from torch.distributed.elastic.multiprocessing import Std
from torch.distributed.launcher.api import LaunchConfig, elastic_launch

nproc, port, restarts, program, *args = sys.argv[1:]
config = LaunchConfig(
    min_nodes=1,
    max_nodes=1,
    nproc_per_node=int(nproc),
    run_id='rwp-agent-test',
    rdzv_backend='static',
    rdzv_endpoint=f'127.0.0.1:{port}',
    rdzv_configs={'rank': 0},
    max_restarts=int(restarts),
    monitor_interval=0.2,
    redirects=Std.NONE,
    tee=Std.NONE,
)
elastic_launch(config, program)(*args)
