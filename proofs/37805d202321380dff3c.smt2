; corpus/history/5.13-altnot/5.13-x86_64-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x3779 (bvsub RSP (_ bv8 64))))
(let ((?x3956 (bvadd ?x3779 (_ bv8 64))))
(let (($x779 (and (distinct ?x3956 RSP) true)))
(let (($x279 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x827 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x705 (= TF (_ bv0 1))))
(let (($x808 (= VM (_ bv0 1))))
(let (($x310 (= DF (_ bv0 1))))
(and $x310 $x808 $x705 $x827 (or $x279 $x779)))))))))))
(check-sat)
