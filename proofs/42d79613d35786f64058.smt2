; corpus/equivalent/x86_64-write_cr4.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x298 (bvsub RSP (_ bv8 64))))
(let ((?x133 (bvadd ?x298 (_ bv8 64))))
(let (($x470 (and (distinct ?x133 RSP) true)))
(let (($x481 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x495 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x63 (= TF (_ bv0 1))))
(let (($x138 (= VM (_ bv0 1))))
(let (($x362 (= DF (_ bv0 1))))
(and $x362 $x138 $x63 $x495 (or $x481 $x470)))))))))))
(check-sat)
