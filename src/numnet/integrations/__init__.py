"""Bridges to other engines, each imported on its own so that numnet never needs them:

    numnet.integrations.ray_tune    ReportCallback (per-epoch reports to Ray Tune) and
                                    run_configs (configurations as Ray tasks); needs
                                    pip install 'numnet[ray]'
"""
