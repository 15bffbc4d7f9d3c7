; corpus/equivalent/x86_64-write_cr4.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x401 (bvsub RSP (_ bv8 64))))
(let ((?x470 (bvadd ?x401 (_ bv8 64))))
(let (($x572 (and (distinct ?x470 RSP) true)))
(let (($x492 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x74 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x409 (= TF (_ bv0 1))))
(let (($x61 (= VM (_ bv0 1))))
(let (($x288 (= DF (_ bv0 1))))
(and $x288 $x61 $x409 $x74 (or $x492 $x572)))))))))))
(check-sat)
