; corpus/history/2.6.24-5.12-x86/x86_64-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x283 (bvsub RSP (_ bv8 64))))
(let ((?x610 (bvadd ?x283 (_ bv8 64))))
(let (($x138 (and (distinct ?x610 RSP) true)))
(let (($x152 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x479 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x465 (= TF (_ bv0 1))))
(let (($x637 (= VM (_ bv0 1))))
(let (($x541 (= DF (_ bv0 1))))
(and $x541 $x637 $x465 $x479 (or $x152 $x138)))))))))))
(check-sat)
